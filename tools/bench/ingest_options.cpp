#include "ingest_options.h"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string_view>

namespace herald::bench {

namespace {

const std::set<std::string_view> kScenarios{"group-fanout", "single-agent", "expiry", "http-baseline"};

template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  if constexpr (std::is_floating_point_v<Number>) {
    char* end = nullptr;
    const std::string copy(text);
    out = static_cast<Number>(std::strtod(copy.c_str(), &end));
    return end != copy.c_str() && *end == '\0' && out >= 0;
  } else {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
  }
}

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
  help_shown = false;
  IngestOptions options;
  if (const char* password = std::getenv("HERALD_BENCH_PASSWORD")) options.password = password;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << ingest_help();
      help_shown = true;
      return std::nullopt;
    }
    if (arg == "--keep-data-dir") {
      options.keep_data_dir = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "herald-bench ingest: " << arg << " needs a value (or is unknown); see --help\n";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    long long poll_ms = 0;
    if (arg == "--url") options.url = value;
    else if (arg == "--spawn") options.spawn = value;
    else if (arg == "--user") options.user = value;
    else if (arg == "--password") options.password = value;
    else if (arg == "--server-log-level") options.server_log_level = value;
    else if (arg == "--expiry-probe") {
      options.expiry_probe = value;
      ok = value == "listing" || value == "metrics";
    } else if (arg == "--server-synchronous") {
      options.server_synchronous = value;
      ok = value == "FULL" || value == "NORMAL";
    } else if (arg == "--scenario") split_scenarios(value, options.scenarios);
    else if (arg == "--agents") ok = parse_number(value, options.agents) && options.agents > 0;
    else if (arg == "--setup-connections") ok = parse_number(value, options.setup_connections) && options.setup_connections > 0;
    else if (arg == "--order-timeout") ok = parse_number(value, options.order_timeout_s) && options.order_timeout_s > 0;
    else if (arg == "--fanout-repeats") ok = parse_number(value, options.fanout_repeats) && options.fanout_repeats > 0;
    else if (arg == "--clients") ok = parse_number(value, options.clients) && options.clients > 0;
    else if (arg == "--duration") ok = parse_number(value, options.duration_s) && options.duration_s > 0;
    else if (arg == "--warmup") ok = parse_number(value, options.warmup_s);
    else if (arg == "--expiry-orders") ok = parse_number(value, options.expiry_orders) && options.expiry_orders > 0;
    else if (arg == "--expiry-timeout") ok = parse_number(value, options.expiry_timeout_s) && options.expiry_timeout_s > 0;
    else if (arg == "--expiry-wait") ok = parse_number(value, options.expiry_wait_s) && options.expiry_wait_s > 0;
    else if (arg == "--poll-interval-ms") {
      ok = parse_number(value, poll_ms) && poll_ms > 0;
      options.poll_interval = std::chrono::milliseconds(poll_ms);
    } else {
      std::cerr << "herald-bench ingest: unknown option " << arg << "; see --help\n";
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "herald-bench ingest: bad value for " << arg << ": " << value << "\n";
      return std::nullopt;
    }
  }
  for (const auto& scenario : options.scenarios) {
    if (!kScenarios.contains(scenario)) {
      std::cerr << "herald-bench ingest: unknown scenario " << scenario << "\n";
      return std::nullopt;
    }
  }
  if (options.scenarios.empty()) options.scenarios = {"group-fanout", "single-agent", "expiry"};
  if (!options.url.empty() && !options.spawn.empty()) {
    std::cerr << "herald-bench ingest: give --url or --spawn, not both\n";
    return std::nullopt;
  }
  if (!options.url.empty() && options.password.empty()) {
    std::cerr << "herald-bench ingest: --url needs --password (or HERALD_BENCH_PASSWORD)\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace herald::bench
