#include "ingest_options.h"

#include "option_parser.h"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string_view>

namespace herald::bench {

namespace {

const std::set<std::string_view> kScenarios{"group-fanout", "single-agent", "expiry", "http-baseline", "slowloris"};

void split_scenarios(std::string_view list, std::vector<std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

const char* ingest_help() {
  return R"(usage: herald-bench ingest [options]

Drives heraldd's Management and Command Manager APIs over real HTTP/1.1 keep-alive connections
and prints one JSON document to stdout ({"command":"ingest","scenarios":[...]}). Progress goes to
stderr.

Server (one of):
  --spawn PATH          start PATH (heraldd) on a fresh temp data dir, 127.0.0.1 port 0; stop it
                        with SIGTERM at the end. Default when neither option is given: the heraldd
                        of the same build tree (../../src/app/heraldd next to herald-bench).
  --url URL             use a running server's management listener, e.g. http://127.0.0.1:55000
  --user NAME           management user (default admin)
  --password PW         its password (default: $HERALD_BENCH_PASSWORD; with --spawn a random one
                        is chosen and passed as HERALD_ADMIN_PASSWORD)
  --server-log-level L  logging.level of a spawned heraldd (default warn)
  --server-synchronous FULL|NORMAL
                        storage.synchronous of a spawned heraldd (default: heraldd's, FULL). NORMAL
                        skips the per-commit fsync: a diagnostic, not a durable configuration.
  --keep-data-dir       keep the spawned server's temp dir (database, heraldd.log)

Scenarios (--scenario LIST, comma-separated; default: group-fanout,single-agent,expiry):
  group-fanout   enroll --agents agents, put them all in one new group, then send ONE group
                 command to it --fanout-repeats times, one after the other: latency of each POST
                 (answered only once all its orders are durable), number of order ids returned;
                 median/min/max.
  single-agent   --clients concurrent clients, each on its own keep-alive connection, send
                 single-agent commands (random enrolled agent) for --duration seconds after
                 --warmup seconds: requests/s, p50/p90/p99/max latency (ms), errors (non-200 or
                 network failures).
  expiry         one POST of ceil(--expiry-orders / agents) group commands with timeout
                 --expiry-timeout; reads the orders' delivery_timestamp, waits for it, then polls
                 GET /orders?request_id=R&status=failure&limit=1 every --poll-interval-ms until all
                 are failure and the pending and sent counts for R are 0: seconds after the
                 deadline (bounded by --expiry-wait).
  http-baseline  (not in the default set) the single-agent load shape on GET /health: what the
                 HTTP stack alone costs, to compare with single-agent.
  slowloris      (not in the default set) the http-baseline loop alone, then again while
                 --slow-connections connections from 127.0.0.2-9 each send a request header a
                 line a second and never end it (reconnecting when cut): latency and ratios.
Setup shared by the scenarios: the agents are enrolled once (and grouped once if needed).

Sizes and timing:
  --agents N              agents to enroll (default 100000)
  --setup-connections N   concurrent connections for enrollment and assignment (default 32)
  --order-timeout S       timeout of group-fanout and single-agent commands (default 32767, the
                          API's maximum, so they do not expire while the expiry scenario runs)
  --fanout-repeats N      group commands to time (default 5)
  --clients N             single-agent concurrent clients (default 32)
  --duration S            single-agent measured seconds (default 10)
  --warmup S              single-agent unmeasured seconds first (default 1)
  --slow-connections N    slowloris connections (default 1000)
  --expiry-orders N       orders to expire together (default 100000)
  --expiry-timeout S      their timeout in seconds (default 10: creating 100,000 orders takes a few
                          seconds, and the deadline must fall after they all exist)
  --expiry-wait S         give up this long after the deadline (default 60)
  --poll-interval-ms N    expiry poll period (default 50)
  --expiry-probe P        listing (default): poll the GET /orders counts throughout, as above;
                          metrics: poll only herald_orders_expired_total on /metrics until it has
                          grown by the order count, then check the listing counts once. Use it to
                          measure the expiry undisturbed: every listing count is a full table scan.

The bench itself runs on one io thread; its CPU time and the spawned server's are reported per
scenario (bench_cpu_s, server_cpu_s) so client-side saturation is visible.
)";
}

std::optional<IngestOptions> parse_ingest_options(int argc, char** argv, bool& help_shown) {
  auto options = parse_command_line<IngestOptions>(
      "ingest", argc, argv, ingest_help(), help_shown,
      [](std::string_view arg, std::string_view value, IngestOptions& o) -> std::optional<bool> {
        if (arg == "--expiry-probe") {
          o.expiry_probe = value;
          return value == "listing" || value == "metrics";
        }
        if (arg == "--server-synchronous") {
          o.server_synchronous = value;
          return value == "FULL" || value == "NORMAL";
        }
        if (arg == "--scenario") {
          split_scenarios(value, o.scenarios);
          return true;
        }
        if (arg == "--fanout-repeats") return parse_number(value, o.fanout_repeats) && o.fanout_repeats > 0;
        if (arg == "--clients") return parse_number(value, o.clients) && o.clients > 0;
        if (arg == "--duration") return parse_number(value, o.duration_s) && o.duration_s > 0;
        if (arg == "--warmup") return parse_number(value, o.warmup_s);
        if (arg == "--slow-connections") return parse_number(value, o.slow_connections) && o.slow_connections > 0;
        if (arg == "--expiry-orders") return parse_number(value, o.expiry_orders) && o.expiry_orders > 0;
        if (arg == "--expiry-timeout") return parse_number(value, o.expiry_timeout_s) && o.expiry_timeout_s > 0;
        if (arg == "--expiry-wait") return parse_number(value, o.expiry_wait_s) && o.expiry_wait_s > 0;
        return std::nullopt;
      });
  if (!options) return std::nullopt;
  for (const auto& scenario : options->scenarios) {
    if (!kScenarios.contains(scenario)) {
      std::cerr << "herald-bench ingest: unknown scenario " << scenario << "\n";
      return std::nullopt;
    }
  }
  if (options->scenarios.empty()) options->scenarios = {"group-fanout", "single-agent", "expiry"};
  if (!options->url.empty() && options->password.empty()) {
    std::cerr << "herald-bench ingest: --url needs --password (or HERALD_BENCH_PASSWORD)\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace herald::bench
