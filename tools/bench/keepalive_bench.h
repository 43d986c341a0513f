#pragma once

namespace herald::bench {

// `herald-bench keepalive`: argv after "keepalive". Returns the process exit code.
int run_keepalive(int argc, char** argv);

}  // namespace herald::bench
