#include "keepalive_options.h"

#include <algorithm>
#include <iostream>

#include "option_parser.h"

namespace herald::bench {

namespace {

// "a,b" -> {"a","b"}; "none" -> {}. False when an item is not in `allowed`.
bool parse_list(std::string_view text, std::initializer_list<std::string_view> allowed, std::vector<std::string>& out) {
  out.clear();
  if (text == "none") return true;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) return false;
    out.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return !out.empty();
}

}  // namespace

std::string keepalive_help() {
  return R"(usage: herald-bench keepalive [options]

Agent liveness at scale: N simulated agents (the same worker processes and wire protocol as
`herald-bench fleet`) authenticate and park a long poll each; the bench measures what keeping
them alive costs heraldd, what a reconnection storm does to their statuses, and how fast dead
agents are detected. Prints one JSON document to stdout ({"command":"keepalive",...}); progress
goes to stderr.

Steps:
  setup        enroll --agents agents (POST /agents); GET /agents/summary/status; with the
               orders storm, one group holding them all
  auth, park   every agent authenticates, the starts spread evenly over --auth-spread (one
               interval: heraldd's per-agent deadlines then fall all over the interval, as in a
               fleet whose agents started at different times), and parks GET /api/v1/commands;
               re-polls --repoll-delay-ms after a 200 and 1 s after a 408, as the agent does
  rest         --settle s of quiet, then a --rest-window s window with nothing happening:
               heraldd CPU (utime+stime of /proc/PID/stat, % of one core), VmRSS, fds,
               keep-alive rows written per second (herald_keepalive_writes_total delta / window),
               status transitions (herald_status_transitions_total delta: must be 0), the
               herald_agents_live and herald_parked_polls gauges. /metrics is read only at the
               window's edges
  storm        for each of --storms, every agent's poll ends at once and it polls again; in the
               replace and drop storms it reconnects: new connection, new token
               (POST /api/v1/authentication), new poll, at most --storm-concurrency agents
               between connect and poll written at a time. Measured: time until every poll is
               written and heraldd is quiet again, heraldd CPU, re-authentications, the
               herald_agents_live{status="pending"} peak (sampled every 100 ms), status
               transitions during the storm and --storm-settle s after it (flaps), and
               GET /agents/summary/status before and after (every agent must be active)
                 replace  the new poll takes over the parked one, which heraldd ends normally
                          (408): the way to reconnect without a dropped connection
                 drop     every agent first closes its connection (a network blip): heraldd sees
                          dropped polls, which are code-6 pending by design until the agent is
                          back; none may become disconnected
                 orders   one group command answers every parked poll with its order (a normal
                          end); each agent re-polls --repoll-delay-ms later (1000, as the agent),
                          with the same token and without posting a result
  rest again   after the storms, max(--settle, --timeout) s of quiet (every deadline a storm
               scheduled has fired once), then another at-rest window of --rest-after-storms s:
               what the storms left behind (keep-alive writes/s and CPU should match the first)
  dead         --dead-sample agents per mode in --dead-modes stop for good:
                 close    the agent closes its connection (parked poll dropped); one after
                          the other over --dead-spread, so deaths fall at every phase of
                          heraldd's tick and of the listing period
                 silent   the agent's poll is answered normally (one single-agent command each)
                          and it never sends another request
               Then GET /agents?status=pending,disconnected every --detect-poll-ms until each is
               disconnected (bounded by timeout + --detect-wait). Per agent: time from its last
               contact (connection closed / last reply read, CLOCK_MONOTONIC in the worker) to
               the first listing showing it pending and disconnected; p50/p99/max of
               (disconnected - timeout). Target: within timeout + 1 s

)" + agent_fleet_options_help(KeepaliveOptions{}) +
         R"(
Keep-alive settings (written into a spawned heraldd's remote.manager_keepalive; with --url give
the running server's values, which the bench needs for its expectations):
  --interval S            silent this long -> pending (default 10)
  --timeout S             silent this long -> disconnected (default 20)
  --flush-interval S      keep-alive write-behind period (default 1)

Keepalive steps:
  --auth-spread S         spread the first authentications over S seconds (default: --interval;
                          0: as fast as --auth-concurrency allows)
  --settle S              quiet time after parking, before the at-rest window (default 2)
  --rest-window S         at-rest measurement window (default 30)
  --rest-after-storms S   second at-rest window, after the storms (default 30; 0: none)
  --storms LIST           any of orders,replace,drop, run in the order given (default all three,
                          orders first: it is representative only after an interval at rest,
                          before the reconnecting storms refresh every agent at once); none skips
  --storm-concurrency N   reconnections in flight, all workers together (default 1000; heraldd
                          holds the old polls and the new connections at once in a replace storm,
                          and its fd limit is 20000)
  --storm-settle S        after a storm has parked again, before counting flaps (default 3)
  --poll-interval-ms N    /metrics sampling period during a storm (default 100)
  --dead-sample N         agents per dead-agent mode (default 100)
  --dead-modes LIST       close,silent (default both, at the same time); none skips
  --dead-spread S         the closing agents die one by one over S seconds (default 2)
  --detect-poll-ms N      GET /agents period while waiting for disconnected (default 150)
  --detect-wait S         bound past timeout for every sample agent to be detected (default 30)
  --order-timeout S       timeout of the commands of the orders storm and of those that end
                          silent agents' polls (default 32767)
)";
}

std::optional<KeepaliveOptions> parse_keepalive_options(int argc, char** argv, bool& help_shown) {
  auto options = parse_command_line<KeepaliveOptions>(
      "keepalive", argc, argv, keepalive_help(), help_shown,
      [](std::string_view arg, std::string_view value, KeepaliveOptions& o) -> std::optional<bool> {
        if (auto shared = parse_agent_fleet_option(arg, value, o)) return shared;
        if (arg == "--interval") return parse_number(value, o.interval_s) && o.interval_s > 0;
        if (arg == "--timeout") return parse_number(value, o.timeout_s) && o.timeout_s > 0;
        if (arg == "--flush-interval") return parse_number(value, o.flush_interval_s) && o.flush_interval_s > 0;
        if (arg == "--auth-spread") return parse_number(value, o.auth_spread_s);
        if (arg == "--rest-after-storms") return parse_number(value, o.rest_after_storms_s);
        if (arg == "--settle") return parse_number(value, o.settle_s);
        if (arg == "--rest-window") return parse_number(value, o.rest_window_s) && o.rest_window_s > 0;
        if (arg == "--storms") return parse_list(value, {"replace", "drop", "orders"}, o.storms);
        if (arg == "--storm-concurrency") return parse_number(value, o.storm_concurrency) && o.storm_concurrency > 0;
        if (arg == "--storm-settle") return parse_number(value, o.storm_settle_s);
        if (arg == "--dead-sample") return parse_number(value, o.dead_sample);
        if (arg == "--dead-modes") return parse_list(value, {"close", "silent"}, o.dead_modes);
        if (arg == "--detect-poll-ms") {
          long long ms = 0;
          if (!parse_number(value, ms) || ms <= 0) return false;
          o.detect_poll = std::chrono::milliseconds(ms);
          return true;
        }
        if (arg == "--dead-spread") return parse_number(value, o.dead_spread_s);
        if (arg == "--detect-wait") return parse_number(value, o.detect_wait_s) && o.detect_wait_s > 0;
        return std::nullopt;
      });
  if (!options || !finish_agent_fleet_options("keepalive", *options)) return std::nullopt;
  if (options->auth_spread_s < 0) options->auth_spread_s = static_cast<double>(options->interval_s);
  if (options->timeout_s < options->interval_s) {
    std::cerr << "herald-bench keepalive: --timeout must not be shorter than --interval (heraldd refuses it)\n";
    return std::nullopt;
  }
  const auto dead_agents = options->dead_sample * options->dead_modes.size();
  if (dead_agents >= options->agents) {
    std::cerr << "herald-bench keepalive: --dead-sample x modes must leave live agents\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace herald::bench
