// `herald-bench ingest`: command ingestion and expiry benchmarks against one heraldd.
#pragma once

namespace herald::bench {

// argv excludes "herald-bench ingest". Prints the JSON summary to stdout; returns the exit code.
int run_ingest(int argc, char** argv);

}  // namespace herald::bench
