// herald-bench: benchmark driver for heraldd. One subcommand per family of measurements; each
// prints a single JSON document to stdout and its progress to stderr.
#include <signal.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string_view>

#include "alerts_bench.h"
#include "analysis_bench.h"
#include "fleet_bench.h"
#include "http_ratio_bench.h"
#include "ingest.h"
#include "keepalive_bench.h"
#include "legacy_bench.h"

namespace {

constexpr const char* kUsage = R"(usage: herald-bench COMMAND [options]

Commands:
  ingest      command ingestion and order expiry against the Management/Command Manager API
              (scenarios group-fanout, single-agent, expiry); see herald-bench ingest --help
  fleet       N simulated agents speaking the comms protocol (one connection per request):
              parked long polls (RSS, CPU), group-command delivery, results, idle latency;
              see herald-bench fleet --help
  keepalive   N simulated agents parked: what liveness costs heraldd at rest (CPU, RSS, keep-alive
              writes/s), reconnection storms (flaps), dead-agent detection time;
              see herald-bench keepalive --help
  legacy      N Wazuh 4.x agents (TLS enrollment on 1515, secure channel on 1514): heraldd CPU and
              RSS per agent at rest, group restart delivery, decrypted events per CPU-second;
              see herald-bench legacy --help
  analysis    the analysis engine in-process: events/s on one core and on all cores, p99
              event-to-alert latency at half load, memory, for Herald's ruleset and/or a 4.x one;
              see herald-bench analysis --help
  alerts      issue 17: alerts/s through the indexer forwarder to a loopback _bulk receiver
              (in-process), and event-to-active-response-order latency on an idle agent's long
              poll (spawned heraldd); see herald-bench alerts --help
  http-ratio  heraldd's HTTP request path (GET /api/v1/, /health, authenticated agent requests)
              against nginx answering 204, same client, back to back: requests/s and the ratios;
              see herald-bench http-ratio --help

Every command prints one JSON summary to stdout and progress to stderr.
Quick start (from the build tree):  tools/bench/herald-bench ingest
)";

}  // namespace

int main(int argc, char** argv) {
  // A worker process that died must surface as a failed write to its pipe, not kill the bench.
  ::signal(SIGPIPE, SIG_IGN);
  // stdout carries only the JSON summary.
  spdlog::set_default_logger(spdlog::stderr_color_mt("herald-bench"));
  spdlog::set_pattern("%H:%M:%S.%e %^%l%$ %v");

  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "ingest") return herald::bench::run_ingest(argc - 2, argv + 2);
  if (command == "fleet") return herald::bench::run_fleet(argc - 2, argv + 2);
  if (command == "keepalive") return herald::bench::run_keepalive(argc - 2, argv + 2);
  if (command == "legacy") return herald::bench::run_legacy(argc - 2, argv + 2);
  if (command == "analysis") return herald::bench::run_analysis(argc - 2, argv + 2);
  if (command == "alerts") return herald::bench::run_alerts(argc - 2, argv + 2);
  if (command == "http-ratio") return herald::bench::run_http_ratio(argc - 2, argv + 2);
  std::cerr << "herald-bench: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
