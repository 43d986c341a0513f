#pragma once

namespace herald::bench {

// `herald-bench legacy`: argv after "legacy". Returns the process exit code.
int run_legacy(int argc, char** argv);

}  // namespace herald::bench
