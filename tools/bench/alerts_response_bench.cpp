// `herald-bench alerts response`: how soon an alert acts. A spawned heraldd with one
// active_response entry (level >= 5, location local, stateless so nothing is suppressed) and one
// enrolled agent that parks a long poll on GET /api/v1/commands and then sits idle. Each round
// sends one sshd "Failed password" line (rule 200201, level 5; a new source address every round,
// so no frequency rule takes over) as a stateless event and times from the POST being sent to the
// active-response command arriving on the parked poll. The moment the rule fires is inside heraldd
// and not visible from outside, so the figure is event sent -> order delivered: it includes the
// HTTP ingest, analysis, the response thread, the order store append and the long-poll wake-up.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string_view>
#include <thread>

#include "agent_http.h"
#include "alerts_bench.h"
#include "api_client.h"
#include "bench_context.h"
#include "http_client.h"
#include "http_ratio_agent.h"
#include "latency_stats.h"
#include "option_parser.h"
#include "process_stats.h"
#include "spawned_run.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using asio::ip::tcp;
using boost::beast::http::verb;

namespace {

constexpr const char* kHelp = R"(usage: herald-bench alerts response [options]

Spawns heraldd with
  active_response: [{command: firewall-drop, location: local, level: 5}]
enrolls one agent, and per round: parks the agent's long poll, waits --idle-ms, POSTs one sshd
"Failed password" line (rule 200201, level 5) to /api/v1/events/stateless, and times from the
POST being sent to the active-response order arriving on the poll. p50/p99/max over the rounds.

Options:
  --rounds N          measured rounds (default 500)
  --warmup N          rounds before them, not counted (default 20)
  --idle-ms N         how long the poll is parked before the event goes (default 20)
  --synchronous MODE  storage.synchronous of the spawned heraldd (default: heraldd's, FULL), e.g.
                      NORMAL, to see what the order store's fsync costs
  --spawn PATH        the heraldd binary (default: the one of this build tree)
  --server-log-level  logging.level of the spawned heraldd (default warn)
  --keep-data-dir     leave the spawned server's data directory behind
)";

struct ResponseBenchOptions : SpawnedBenchOptions {
  std::size_t rounds = 500;
  std::size_t warmup = 20;
  long idle_ms = 20;
  std::string synchronous;
};

std::optional<ResponseBenchOptions> parse_options(int argc, char** argv, bool& help_shown) {
  ResponseBenchOptions options;
  const bool parsed = parse_plain_options(
      "alerts response", argc, argv, kHelp, help_shown,
      [&](std::string_view arg) { return spawned_bench_flag(options, arg); },
      [&](std::string_view arg, std::string_view value) -> std::optional<bool> {
        bool ok = true;
        if (arg == "--rounds")
          ok = parse_number(value, options.rounds) && options.rounds > 0;
        else if (arg == "--warmup")
          ok = parse_number(value, options.warmup);
        else if (arg == "--idle-ms")
          ok = parse_number(value, options.idle_ms) && options.idle_ms >= 0;
        else if (arg == "--synchronous")
          options.synchronous = value;
        else
          return spawned_bench_option(options, arg, value);
        return ok;
      });
  if (!parsed) return std::nullopt;
  return options;
}

// A source address of its own for round `round` (10.x.y.z), so no two rounds correlate.
std::string source_address(std::size_t round) {
  const std::size_t n = round + 1;
  return "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." + std::to_string(n & 255);
}

// The agent's stateless body (as http_ratio_agent.cpp builds it) carrying one failed sshd login.
std::string failed_login_body(const RatioAgent& agent, const std::string& address, std::size_t round) {
  std::string body = stateless_events_body(agent);
  const auto last_line = body.rfind('\n', body.size() - 2) + 1;
  auto event = json::parse(std::string_view(body).substr(last_line)).as_object();
  event["event"].as_object()["original"] = "Dec  7 10:00:00 web1 sshd[" + std::to_string(4100 + round % 50000) +
                                           "]: Failed password for root from " + address + " port " +
                                           std::to_string(40000 + round % 20000) + " ssh2";
  return body.substr(0, last_line) + json::serialize(event) + "\n";
}

// Whether a poll reply carries the active response to `address`.
bool carries_response(const AgentReply& reply, const std::string& address) {
  json::error_code ec;
  const auto parsed = json::parse(reply.body, ec);
  if (ec || !parsed.is_object()) return false;
  const auto* commands = parsed.get_object().if_contains("commands");
  if (commands == nullptr || !commands->is_array()) return false;
  for (const auto& command : commands->get_array()) {
    const auto* action = command.is_object() ? command.get_object().if_contains("action") : nullptr;
    if (action == nullptr || !action->is_object()) continue;
    const auto* args = action->get_object().if_contains("args");
    if (args == nullptr || !args->is_object()) continue;
    const auto* srcip = args->get_object().if_contains("srcip");
    if (srcip != nullptr && srcip->is_string() && srcip->get_string() == address) return true;
  }
  return false;
}

struct RoundTiming {
  double delivered_ms = -1;  // POST sent -> order on the poll; -1 when it never came
  double accepted_ms = 0;    // POST sent -> its 204
};

class ResponseRounds {
 public:
  ResponseRounds(asio::any_io_executor executor, tcp::endpoint comms, RatioAgent agent, std::string authorization)
      : executor_(std::move(executor)),
        comms_(std::move(comms)),
        host_(comms_.address().to_string()),
        agent_(std::move(agent)),
        authorization_(std::move(authorization)) {}

  awaitable<RoundTiming> round(std::size_t index, std::chrono::milliseconds idle) {
    const std::string address = source_address(index);
    // The poll, parked first. It records its own arrival time, so how soon this coroutine
    // notices does not enter the figure.
    long long arrived_ns = 0;
    bool finished = false, written = false, carried = false;
    AgentRequest poll{verb::get, "/api/v1/commands", "", authorization_};
    RequestWatch watch;
    watch.on_written = [&] { written = true; };
    asio::co_spawn(
        executor_,
        [&]() -> awaitable<void> {
          // A poll can come back with something else (or empty, at the poll timeout): poll again.
          for (int attempt = 0; attempt < 3 && !carried; ++attempt) {
            const auto reply = co_await agent_request(executor_, comms_, std::nullopt, host_, poll,
                                                      std::chrono::seconds(60), attempt == 0 ? &watch : nullptr);
            arrived_ns = monotonic_ns();
            carried = reply.status == 200 && carries_response(reply, address);
            if (!carried) spdlog::warn("round {}: poll answered {} without the response", index, reply.status);
          }
          finished = true;
        },
        [&](std::exception_ptr error) {
          if (error) spdlog::warn("round {}: poll failed", index);
          finished = true;
        });
    asio::steady_timer timer(executor_);
    while (!written && !finished) {
      timer.expires_after(std::chrono::microseconds(100));
      co_await timer.async_wait(asio::use_awaitable);
    }
    timer.expires_after(idle);
    co_await timer.async_wait(asio::use_awaitable);

    AgentRequest event{verb::post, "/api/v1/events/stateless", failed_login_body(agent_, address, index),
                       authorization_};
    RoundTiming timing;
    const long long sent_ns = monotonic_ns();
    const auto accepted =
        co_await agent_request(executor_, comms_, std::nullopt, host_, event, std::chrono::seconds(30));
    timing.accepted_ms = static_cast<double>(monotonic_ns() - sent_ns) / 1e6;
    if (accepted.status != 204)
      throw std::runtime_error("events: HTTP " + std::to_string(accepted.status) + " " + accepted.body);
    while (!finished) {
      timer.expires_after(std::chrono::microseconds(100));
      co_await timer.async_wait(asio::use_awaitable);
    }
    if (carried) timing.delivered_ms = static_cast<double>(arrived_ns - sent_ns) / 1e6;
    co_return timing;
  }

 private:
  asio::any_io_executor executor_;
  tcp::endpoint comms_;
  std::string host_;
  RatioAgent agent_;
  std::string authorization_;
};

awaitable<void> measure(const BenchContext& context, tcp::endpoint comms, const ResponseBenchOptions& options,
                        json::object& result) {
  const auto agent = co_await prepare_ratio_agent(context);
  const auto authorization = co_await authenticate_ratio_agent(context.executor, comms, agent);
  ResponseRounds rounds(context.executor, comms, agent, authorization);
  std::vector<double> delivered, accepted;
  std::size_t missed = 0;
  const double server_cpu_start = process_cpu_seconds(context.server_pid);
  for (std::size_t i = 0; i < options.warmup + options.rounds; ++i) {
    const auto timing = co_await rounds.round(i, std::chrono::milliseconds(options.idle_ms));
    if (i < options.warmup) continue;
    if (timing.delivered_ms < 0) {
      ++missed;
      continue;
    }
    delivered.push_back(timing.delivered_ms);
    accepted.push_back(timing.accepted_ms);
    if ((i + 1) % 100 == 0) spdlog::info("round {}: {:.3f} ms", i + 1, timing.delivered_ms);
  }
  const double server_cpu = process_cpu_seconds(context.server_pid) - server_cpu_start;
  json::object delivered_json, accepted_json;
  put_summary(delivered_json, summarize(delivered), "_ms");
  put_summary(accepted_json, summarize(accepted), "_ms");
  result["event_sent_to_order_delivered"] = delivered_json;
  result["event_sent_to_204"] = accepted_json;
  result["missed_rounds"] = missed;
  result["server_cpu_s"] = round3(server_cpu);
}

}  // namespace

int run_alerts_response(int argc, char** argv) {
  bool help_shown = false;
  const auto options = parse_options(argc, argv, help_shown);
  if (!options) return help_shown ? 0 : 2;
  json::object result{{"command", "alerts response"},
                      {"rounds", options->rounds},
                      {"warmup", options->warmup},
                      {"idle_ms", options->idle_ms},
                      {"synchronous", options->synchronous.empty() ? "default" : options->synchronous},
                      {"loadavg_1m_before", round3(load_average_1m())}};
  std::string password;
  auto spawn = spawn_options(*options, password);
  spawn.comms_poll_timeout_s = 30;
  spawn.synchronous = options->synchronous;
  spawn.extra_config = "active_response:\n  - {command: firewall-drop, location: local, level: 5}\n";
  return run_on_spawned_server(
      "alerts response", spawn, password, result,
      [&](const BenchContext& context, tcp::endpoint comms) { return measure(context, comms, *options, result); });
}

}  // namespace herald::bench
