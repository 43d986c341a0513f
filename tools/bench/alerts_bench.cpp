#include "alerts_bench.h"

#include <iostream>
#include <string_view>

namespace herald::bench {

namespace {

constexpr const char* kHelp = R"(usage: herald-bench alerts forwarder|response|search [options]

  forwarder  alerts/s through the indexer forwarder (durable buffer, batching, _bulk over HTTP)
             to a loopback _bulk receiver run by the bench, wall and per CPU-second; in-process
  response   a spawned heraldd with an active_response entry and one idle agent parked on its
             long poll: time from POSTing an event that fires the rule to the order arriving
             on the poll, p50/p99/max
  search     a spawned heraldd's alert store filled through the events API, then GET /alerts
             queries (level, rule, group, text, time range, paging) timed: p50/p99/max

See herald-bench alerts forwarder --help, herald-bench alerts response --help,
herald-bench alerts search --help.
)";

}  // namespace

int run_alerts(int argc, char** argv) {
  if (argc < 1) {
    std::cerr << kHelp;
    return 2;
  }
  const std::string_view which = argv[0];
  if (which == "forwarder") return run_alerts_forwarder(argc - 1, argv + 1);
  if (which == "response") return run_alerts_response(argc - 1, argv + 1);
  if (which == "search") return run_alerts_search(argc - 1, argv + 1);
  if (which == "--help" || which == "-h") {
    std::cout << kHelp;
    return 0;
  }
  std::cerr << "herald-bench alerts: unknown part '" << which << "'\n" << kHelp;
  return 2;
}

}  // namespace herald::bench
