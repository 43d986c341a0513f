#pragma once

namespace herald::bench {

// `herald-bench fleet`: argv after "fleet". Returns the process exit code.
int run_fleet(int argc, char** argv);

}  // namespace herald::bench
