#include "fleet_options.h"

#include "option_parser.h"

#include <iostream>

namespace herald::bench {

std::string agent_fleet_options_help(const AgentFleetOptions& defaults) {
  return R"(Server (one of):
  --spawn PATH          start PATH (heraldd) on a fresh temp dir, 127.0.0.1 port 0, with
                        comms.commands_poll_timeout --poll-timeout and http.max_connections
                        large enough for every agent. Default: the heraldd of the same build tree
  --url URL             a running server's management listener (needs --comms-url, --password)
  --comms-url URL       its comms listener, http://HOST:PORT (plain HTTP only)
  --user NAME           management user (default admin)
  --password PW         (default $HERALD_BENCH_PASSWORD; random with --spawn)
  --server-log-level L  logging.level of a spawned heraldd (default warn)
  --poll-timeout S      commands_poll_timeout of a spawned heraldd (default 300: no 408s mid-run)
  --keep-data-dir       keep the spawned server's temp dir

Agents:
  --agents N              simulated agents (default )" +
         std::to_string(defaults.agents) + R"(; keep <= 15000 per heraldd: 20000 fds)
  --workers N             agent processes (default one per 6000 agents): every parked poll is an
                          open socket, and a process may hold 20000
  --setup-connections N   management connections for enrollment and group assignment (default 32)
  --auth-concurrency N    authentications in flight, all workers together (default 64)
  --park-concurrency N    first polls connecting at once, all workers together (default 512)
  --source-addresses K    bind agent sockets to 127.0.0.1..127.0.0.K round-robin (default 8;
                          only when the comms host is 127.x), against ephemeral-port exhaustion
  --repoll-delay-ms MS    wait after a 200 (and its result POST) before re-polling (default )" +
         std::to_string(defaults.repoll_delay_ms) + R"(;
                          the real agent waits 1000). After a 408: 1000 ms, as the agent
  --park-wait S           bound on parking (default 120)
)";
}

std::optional<bool> parse_agent_fleet_option(std::string_view arg, std::string_view value, AgentFleetOptions& o) {
  if (arg == "--comms-url") {
    o.comms_url = value;
    return true;
  }
  if (arg == "--poll-timeout") return parse_number(value, o.poll_timeout_s) && o.poll_timeout_s > 0;
  if (arg == "--workers") return parse_number(value, o.workers);
  if (arg == "--auth-concurrency") return parse_number(value, o.auth_concurrency) && o.auth_concurrency > 0;
  if (arg == "--park-concurrency") return parse_number(value, o.park_concurrency) && o.park_concurrency > 0;
  if (arg == "--source-addresses") {
    return parse_number(value, o.source_addresses) && o.source_addresses > 0 && o.source_addresses < 255;
  }
  if (arg == "--repoll-delay-ms") return parse_number(value, o.repoll_delay_ms) && o.repoll_delay_ms >= 0;
  if (arg == "--park-wait") return parse_number(value, o.park_wait_s) && o.park_wait_s > 0;
  return std::nullopt;
}

bool finish_agent_fleet_options(std::string_view command, AgentFleetOptions& o) {
  if (!o.url.empty() && (o.password.empty() || o.comms_url.empty())) {
    std::cerr << "herald-bench " << command << ": --url needs --comms-url and --password (or HERALD_BENCH_PASSWORD)\n";
    return false;
  }
  if (o.workers == 0) o.workers = (o.agents + 5'999) / 6'000;
  if (o.workers > o.agents) o.workers = o.agents;
  return true;
}

std::string fleet_help() {
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

)" + agent_fleet_options_help(FleetOptions{}) +
         R"(
Fleet steps:
  --order-timeout S       timeout of the commands (default 32767)
  --idle S                idle measurement window (default 10)
  --single-commands N     single-agent commands (default 200; 0 skips the step)
  --deliver-wait S        bound on group delivery (default 60)
  --results-wait S        bound on all results applied (default 120)
  --poll-interval-ms N    GET /orders poll period (default 50)

Clocks: delivery times are CLOCK_MONOTONIC stamps taken in the worker processes and compared with
the coordinator's, same clock. A negative latency means the agent had its order before the
command POST was answered (heraldd wakes polls before its reply is written).
)";
}

std::optional<FleetOptions> parse_fleet_options(int argc, char** argv, bool& help_shown) {
  auto options = parse_command_line<FleetOptions>(
      "fleet", argc, argv, fleet_help(), help_shown,
      [](std::string_view arg, std::string_view value, FleetOptions& o) -> std::optional<bool> {
        if (auto shared = parse_agent_fleet_option(arg, value, o)) return shared;
        if (arg == "--idle") return parse_number(value, o.idle_s) && o.idle_s > 0;
        if (arg == "--single-commands") return parse_number(value, o.single_commands);
        if (arg == "--deliver-wait") return parse_number(value, o.deliver_wait_s) && o.deliver_wait_s > 0;
        if (arg == "--results-wait") return parse_number(value, o.results_wait_s) && o.results_wait_s > 0;
        return std::nullopt;
      });
  if (!options || !finish_agent_fleet_options("fleet", *options)) return std::nullopt;
  return options;
}

}  // namespace herald::bench
