#include "legacy_options.h"

#include <algorithm>
#include <iostream>

#include "option_parser.h"

namespace herald::bench {

namespace {

bool parse_phases(std::string_view text, std::vector<std::string>& out) {
  static constexpr std::string_view kKnown[] = {"rest", "restart", "events"};
  out.clear();
  if (text == "none") return true;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (std::find(std::begin(kKnown), std::end(kKnown), item) == std::end(kKnown)) return false;
    out.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return true;
}

}  // namespace

std::string legacy_help() {
  const LegacyOptions d;
  return R"(usage: herald-bench legacy [options]

Wazuh 4.x agents (legacy-4x-protocol.md) against a spawned heraldd on its default store (SQLite).
One bench process simulates every agent with Boost.Asio on a few threads (no thread per agent)
and the project's wire library (herald_legacy_wire) for framing, ciphers and zlib. Prints one JSON
document to stdout ({"command":"legacy",...}); progress goes to stderr.

Steps:
  setup     POST /groups (one group); every agent enrolls through the TLS enrollment listener
            (1515: "OSSEC A:'<name>'\n" -> "OSSEC K:'<id> <name> any <key>'"), --enroll-concurrency
            at a time; each is assigned to the group (PUT /agents/{id}/group/{group}, over
            --setup-connections connections). heraldd's VmRSS is read here ("before").
  connect   every agent opens one TCP connection to the secure channel (1514), sends
            #!-agent startup {"version":"v4.12.0"} and waits for #!-agent ack
            (--connect-concurrency handshakes in flight). Then each sends a keep-alive every
            --keepalive-interval s (uname line, "<merged sum> merged.mg", #"_agent_ip"), the
            first at a random point of the first interval; like the real agent it stores a pushed
            merged.mg (#!-up file ... #!-close file) and reports that file's MD5 from then on
            (before: x).
  rest      --settle s, then a --rest-window s window with nothing but keep-alives: heraldd CPU
            (% of one core; goal < 5), VmRSS, (VmRSS - before) / agents (goal <= 8 KiB), messages
            accepted (herald_legacy_messages_total deltas).
  restart   POST /_plugins/_command_manager/commands, restart to the group; time from the 200
            until every agent has decrypted its #!-execd {...restart-wazuh0...} (goal < 1 s).
  events    --event-agents of the connected agents send small events
            ("<queue>:<location>:<line>", --event-text) as fast as TCP takes them; the others
            keep keep-aliving. After --event-warmup s, a --event-window s window: events accepted
            by heraldd (herald_legacy_messages_total{kind="event"} delta) per second and per
            heraldd CPU-second (goal >= 50000 per CPU-second). Each agent loops over
            --event-ring events encoded before the phase (fresh random part and counters each,
            then repeated: remoted.verify_msg_id is off, as in every Wazuh 4.x), so the bench's
            own CPU goes to the socket, not to zlib level 9.

Options:
  --agents N                 simulated agents (default )" + std::to_string(d.agents) + R"()
  --cipher aes|blowfish      the agents' crypto_method (default aes)
  --enroll-concurrency N     TLS enrollments in flight (default )" + std::to_string(d.enroll_concurrency) + R"()
  --connect-concurrency N    1514 handshakes in flight (default )" + std::to_string(d.connect_concurrency) + R"()
  --client-threads N         the agents' io threads (default )" + std::to_string(d.client_threads) + R"()
  --source-addresses K       agents bind to 127.0.0.1 ... 127.0.0.K, round robin (default 1;
                             one address holds ~28,000 connections to one port)
  --keepalive-interval S     the agents' notify_time (default 10)
  --settle S                 after connecting, before the rest window (default 12: one interval,
                             so every agent has sent a keep-alive and got its merged.mg)
  --rest-window S            the at-rest window (default 30)
  --restart-wait S           bound on restart delivery (default 30)
  --order-timeout S          timeout of the restart command (default 600)
  --event-agents N           blasting agents (default )" + std::to_string(d.event_agents) + R"(; 0 skips the phase)
  --event-warmup S           blasting before the window (default 2)
  --event-window S           the measured events window (default 10)
  --event-ring N             pre-encoded events per blasting agent (default )" + std::to_string(d.event_ring) + R"()
  --event-text TEXT          the event line (default "1:/var/log/syslog:Jan  1 00:00:00 bench sshd...")
  --phases LIST              any of rest,restart,events, in this order (default all); none
  --setup-connections N      Management API connections for the assignment (default 32)
  --poll-interval-ms N       how often the restart delivery count is checked (default 20)
  --spawn PATH               heraldd binary (default: the one of this build tree)
  --password P, --user U     admin credentials for the spawned server (default: generated)
  --server-log-level L       logging.level of the spawned heraldd (default warn)
  --keep-data-dir            keep the spawned heraldd's data dir (database, heraldd.log)
)";
}

std::optional<LegacyOptions> parse_legacy_options(int argc, char** argv, bool& help_shown) {
  auto options = parse_command_line<LegacyOptions>(
      "legacy", argc, argv, legacy_help(), help_shown,
      [](std::string_view arg, std::string_view value, LegacyOptions& o) -> std::optional<bool> {
        const auto positive = [&value](std::size_t& out) { return parse_number(value, out) && out > 0; };
        if (arg == "--cipher") {
          o.cipher = value;
          return value == "aes" || value == "blowfish";
        }
        if (arg == "--enroll-concurrency") return positive(o.enroll_concurrency);
        if (arg == "--connect-concurrency") return positive(o.connect_concurrency);
        if (arg == "--client-threads") return positive(o.client_threads);
        if (arg == "--source-addresses") return positive(o.source_addresses) && o.source_addresses < 255;
        if (arg == "--keepalive-interval") return parse_number(value, o.keepalive_interval_s) && o.keepalive_interval_s > 0;
        if (arg == "--settle") return parse_number(value, o.settle_s);
        if (arg == "--rest-window") return parse_number(value, o.rest_window_s) && o.rest_window_s > 0;
        if (arg == "--restart-wait") return parse_number(value, o.restart_wait_s) && o.restart_wait_s > 0;
        if (arg == "--event-agents") return parse_number(value, o.event_agents);
        if (arg == "--event-warmup") return parse_number(value, o.event_warmup_s);
        if (arg == "--event-window") return parse_number(value, o.event_window_s) && o.event_window_s > 0;
        if (arg == "--event-ring") return positive(o.event_ring);
        if (arg == "--event-text") {
          o.event_text = value;
          return !value.empty();
        }
        if (arg == "--phases") return parse_phases(value, o.phases);
        return std::nullopt;
      });
  if (!options) return std::nullopt;
  if (!options->url.empty()) {
    std::cerr << "herald-bench legacy: needs a spawned heraldd (its CPU and RSS are the figures); drop --url\n";
    return std::nullopt;
  }
  if (options->event_agents > options->agents) {
    std::cerr << "herald-bench legacy: --event-agents must not exceed --agents\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace herald::bench
