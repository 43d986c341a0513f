#include "fleet_options.h"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace herald::bench {

namespace {

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

}  // namespace

const char* fleet_help() {
  return R"(usage: herald-bench fleet [options]

N simulated agents speaking the comms protocol exactly as wazuh-agent does (wire-protocol c):
one TCP connection per request, agent headers (User-Agent WazuhXDR/6.0.0 (Endpoint; x86_64;
Linux), Accept/Content-Type application/json, Authorization: Bearer). Prints one JSON document to
stdout ({"command":"fleet",...}); progress goes to stderr.

Steps:
  setup        enroll --agents agents (POST /agents, keys kept), one new group, assign them all
               (management API, --setup-connections keep-alive connections)
  auth         every agent: POST /api/v1/authentication {"uuid","key"} -> token
  park         every agent: GET /api/v1/commands (long poll). Parked = every poll request written
               and then heraldd's CPU quiet (< 5% of a core for 0.5 s), bounded by --park-wait
  idle         --idle seconds with the fleet parked: heraldd VmRSS (also before parking, so
               RSS per parked agent = difference / N) and heraldd CPU
  group        ONE POST /_plugins/_command_manager/commands to the group. Per-agent delivery
               latency (agent's poll reply read - command's 200 received; also - command sent),
               time until the last agent has it. Each agent POSTs its result at once
               (/api/v1/events/stateful, new connection) and then re-polls after --repoll-delay-ms;
               GET /orders?request_id=R&status=success&limit=1 every --poll-interval-ms until it
               reports N (bounded by --results-wait)
  single       with the fleet re-parked: --single-commands single-agent commands, one at a time,
               each to a random agent; latency command 200 -> that agent has read its poll reply.
               Agents do not POST results in this step (so nothing else competes). The bench
               waits for the agent's re-poll between commands, so --repoll-delay-ms 1000 makes
               this step take ~1 s per command
Every agent remembers the document_ids it received; agent_errors.orders_redelivered counts
orders delivered twice (delivery is at most once, wire-protocol c3).

Server (one of):
  --spawn PATH          start PATH (heraldd) on a fresh temp dir, 127.0.0.1 port 0, with
                        comms.commands_poll_timeout --poll-timeout and http.max_connections
                        N + 2000 (at least 10000). Default: the heraldd of the same build tree
  --url URL             a running server's management listener (needs --comms-url, --password)
  --comms-url URL       its comms listener, http://HOST:PORT (plain HTTP only)
  --user NAME           management user (default admin)
  --password PW         (default $HERALD_BENCH_PASSWORD; random with --spawn)
  --server-log-level L  logging.level of a spawned heraldd (default warn)
  --poll-timeout S      commands_poll_timeout of a spawned heraldd (default 300: no 408s mid-run)
  --keep-data-dir       keep the spawned server's temp dir

Sizes and pacing:
  --agents N              simulated agents (default 10000; keep <= 15000 per heraldd: 20000 fds)
  --workers N             agent processes (default one per 6000 agents): every parked poll is an
                          open socket, and a process may hold 20000
  --setup-connections N   management connections for enrollment/assignment (default 32)
  --auth-concurrency N    authentications in flight, all workers together (default 64)
  --park-concurrency N    first polls connecting at once, all workers together (default 512)
  --source-addresses K    bind agent sockets to 127.0.0.1..127.0.0.K round-robin (default 8;
                          only when the comms host is 127.x), against ephemeral-port exhaustion
  --repoll-delay-ms MS    wait after a 200 (and its result POST) before re-polling (default 0, to
                          measure; the real agent waits 1000). After a 408: 1000 ms, as the agent
  --order-timeout S       timeout of the commands (default 32767)
  --idle S                idle measurement window (default 10)
  --single-commands N     single-agent commands (default 200; 0 skips the step)
  --park-wait S           bound on parking (default 120)
  --deliver-wait S        bound on group delivery (default 60)
  --results-wait S        bound on all results applied (default 120)
  --poll-interval-ms N    GET /orders poll period (default 50)

Clocks: delivery times are CLOCK_MONOTONIC stamps taken in the worker processes and compared with
the coordinator's, same clock. A negative latency means the agent had its order before the
command POST was answered (heraldd wakes polls before its reply is written).
)";
}

std::optional<FleetOptions> parse_fleet_options(int argc, char** argv, bool& help_shown) {
  help_shown = false;
  FleetOptions options;
  if (const char* password = std::getenv("HERALD_BENCH_PASSWORD")) options.password = password;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << fleet_help();
      help_shown = true;
      return std::nullopt;
    }
    if (arg == "--keep-data-dir") {
      options.keep_data_dir = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "herald-bench fleet: " << arg << " needs a value (or is unknown); see --help\n";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    bool ok = true;
    long long poll_ms = 0;
    if (arg == "--url") options.url = value;
    else if (arg == "--comms-url") options.comms_url = value;
    else if (arg == "--spawn") options.spawn = value;
    else if (arg == "--user") options.user = value;
    else if (arg == "--password") options.password = value;
    else if (arg == "--server-log-level") options.server_log_level = value;
    else if (arg == "--poll-timeout") ok = parse_number(value, options.poll_timeout_s) && options.poll_timeout_s > 0;
    else if (arg == "--agents") ok = parse_number(value, options.agents) && options.agents > 0;
    else if (arg == "--workers") ok = parse_number(value, options.workers);
    else if (arg == "--setup-connections") ok = parse_number(value, options.setup_connections) && options.setup_connections > 0;
    else if (arg == "--auth-concurrency") ok = parse_number(value, options.auth_concurrency) && options.auth_concurrency > 0;
    else if (arg == "--park-concurrency") ok = parse_number(value, options.park_concurrency) && options.park_concurrency > 0;
    else if (arg == "--source-addresses") ok = parse_number(value, options.source_addresses) && options.source_addresses > 0 && options.source_addresses < 255;
    else if (arg == "--repoll-delay-ms") ok = parse_number(value, options.repoll_delay_ms) && options.repoll_delay_ms >= 0;
    else if (arg == "--order-timeout") ok = parse_number(value, options.order_timeout_s) && options.order_timeout_s > 0;
    else if (arg == "--idle") ok = parse_number(value, options.idle_s) && options.idle_s > 0;
    else if (arg == "--single-commands") ok = parse_number(value, options.single_commands);
    else if (arg == "--park-wait") ok = parse_number(value, options.park_wait_s) && options.park_wait_s > 0;
    else if (arg == "--deliver-wait") ok = parse_number(value, options.deliver_wait_s) && options.deliver_wait_s > 0;
    else if (arg == "--results-wait") ok = parse_number(value, options.results_wait_s) && options.results_wait_s > 0;
    else if (arg == "--poll-interval-ms") {
      ok = parse_number(value, poll_ms) && poll_ms > 0;
      options.poll_interval = std::chrono::milliseconds(poll_ms);
    } else {
      std::cerr << "herald-bench fleet: unknown option " << arg << "; see --help\n";
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "herald-bench fleet: bad value for " << arg << ": " << value << "\n";
      return std::nullopt;
    }
  }
  if (!options.url.empty() && !options.spawn.empty()) {
    std::cerr << "herald-bench fleet: give --url or --spawn, not both\n";
    return std::nullopt;
  }
  if (!options.url.empty() && (options.password.empty() || options.comms_url.empty())) {
    std::cerr << "herald-bench fleet: --url needs --comms-url and --password (or HERALD_BENCH_PASSWORD)\n";
    return std::nullopt;
  }
  if (options.workers == 0) options.workers = (options.agents + 5'999) / 6'000;
  if (options.workers > options.agents) options.workers = options.agents;
  return options;
}

}  // namespace herald::bench
