#pragma once

namespace herald::bench {

// `herald-bench analysis`: argv after "analysis". Returns the process exit code.
int run_analysis(int argc, char** argv);

}  // namespace herald::bench
