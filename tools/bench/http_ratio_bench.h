// `herald-bench http-ratio`: heraldd's request path against nginx answering 204, same client,
// back to back. See http_ratio_help() for what is measured.
#pragma once

namespace herald::bench {

// argv after "http-ratio". Prints the JSON document to stdout; returns the exit code.
int run_http_ratio(int argc, char** argv);

}  // namespace herald::bench
