// `herald-bench alerts search`: GET /alerts over a store holding many alerts. A spawned heraldd is
// filled through the real path (one agent POSTing stateless batches of the analysis bench's event
// mix: analysis, then the store writer), then each query of a fixed set is timed over one
// keep-alive Management API connection.
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <optional>
#include <string_view>

#include "agent_http.h"
#include "alerts_bench.h"
#include "analysis_events.h"
#include "api_client.h"
#include "bench_context.h"
#include "http_client.h"
#include "http_ratio_agent.h"
#include "latency_stats.h"
#include "option_parser.h"
#include "process_stats.h"
#include "prometheus_text.h"
#include "spawned_run.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using asio::ip::tcp;
using boost::beast::http::verb;

namespace {

constexpr const char* kHelp = R"(usage: herald-bench alerts search [options]

Spawns heraldd, fills its alert store through one agent's stateless events (the analysis bench's
mix of sshd, PAM, sudo and web lines; about 58 % raise an alert), waits until the store writer has
caught up (herald_alerts_stored_total), then times each of a fixed set of GET /alerts queries
(newest first, level, rule, group, text search, time range, by level, a deep page) --queries times
over one keep-alive connection: p50/p99/max per query.

Options:
  --alerts N          alerts to store (default 200000)
  --batch N           events per POST (default 500)
  --queries N         timed requests per query (default 50)
  --spawn PATH        the heraldd binary (default: the one of this build tree)
  --server-log-level  logging.level of the spawned heraldd (default warn)
  --keep-data-dir     leave the spawned server's data directory behind
)";

struct SearchBenchOptions : SpawnedBenchOptions {
  std::size_t alerts = 200'000;
  std::size_t batch = 500;
  std::size_t queries = 50;
};

std::optional<SearchBenchOptions> parse_options(int argc, char** argv, bool& help_shown) {
  SearchBenchOptions options;
  const bool parsed = parse_plain_options(
      "alerts search", argc, argv, kHelp, help_shown,
      [&](std::string_view arg) { return spawned_bench_flag(options, arg); },
      [&](std::string_view arg, std::string_view value) -> std::optional<bool> {
        bool ok = true;
        if (arg == "--alerts")
          ok = parse_number(value, options.alerts) && options.alerts > 0;
        else if (arg == "--batch")
          ok = parse_number(value, options.batch) && options.batch > 0;
        else if (arg == "--queries")
          ok = parse_number(value, options.queries) && options.queries > 0;
        else
          return spawned_bench_option(options, arg, value);
        return ok;
      });
  if (!parsed) return std::nullopt;
  return options;
}

// Events [first, first + count) of the mix as one stateless body of `agent`.
std::string mix_body(const RatioAgent& agent, std::uint64_t first, std::size_t count) {
  const std::string sample = stateless_events_body(agent);
  const auto metadata_end = sample.find('\n');
  const auto header_end = sample.find('\n', metadata_end + 1);
  const std::string header = sample.substr(metadata_end + 1, header_end - metadata_end);
  auto event = json::parse(std::string_view(sample).substr(header_end + 1)).as_object();
  std::string body(sample.data(), metadata_end + 1);
  const EventMix mix;
  for (std::uint64_t i = first; i < first + count; ++i) {
    const auto e = make_bench_event(mix, i);
    event["event"].as_object()["original"] = e.message;
    event["log"].as_object()["file"].as_object()["path"] = e.location;
    body += header;
    body += json::serialize(event);
    body += '\n';
  }
  return body;
}

awaitable<double> stored_alerts(ApiClient& client) {
  const auto reply = co_await client.call(verb::get, "/metrics");
  co_return metric_value(reply.body, "herald_alerts_stored_total").value_or(0);
}

awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(delay);
  co_await timer.async_wait(asio::use_awaitable);
}

std::int64_t epoch_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

awaitable<void> measure(const BenchContext& context, tcp::endpoint comms, const SearchBenchOptions& options,
                        json::object& result) {
  const auto agent = co_await prepare_ratio_agent(context);
  const auto authorization = co_await authenticate_ratio_agent(context.executor, comms, agent);
  ApiClient client(context.executor, context.endpoint, *context.credentials);
  const std::string host = comms.address().to_string();

  // Fill. The store writer's queue holds 65,536 alerts: stay well behind that.
  const auto fill_start = std::chrono::steady_clock::now();
  const std::int64_t fill_start_epoch = epoch_seconds();
  std::uint64_t next_event = 0;
  double stored = 0;
  std::size_t posts = 0;
  while (stored < static_cast<double>(options.alerts)) {
    AgentRequest post{verb::post, "/api/v1/events/stateless", mix_body(agent, next_event, options.batch),
                      authorization};
    next_event += options.batch;
    const auto reply =
        co_await agent_request(context.executor, comms, std::nullopt, host, post, std::chrono::seconds(60));
    if (reply.status != 204)
      throw std::runtime_error("events: HTTP " + std::to_string(reply.status) + " " + reply.body);
    if (++posts % 20 == 0) {
      stored = co_await stored_alerts(client);
      // About 58 % of the mix alerts: wait while more than ~20,000 alerts are queued.
      while (static_cast<double>(next_event) * 0.58 - stored > 20'000) {
        co_await sleep_for(std::chrono::milliseconds(50));
        stored = co_await stored_alerts(client);
      }
      if (posts % 200 == 0) spdlog::info("fill: {} events sent, {:.0f} alerts stored", next_event, stored);
    }
  }
  // Let the writer drain what is queued.
  for (double previous = -1; stored != previous;) {
    previous = stored;
    co_await sleep_for(std::chrono::milliseconds(500));
    stored = co_await stored_alerts(client);
  }
  const double fill_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - fill_start).count();
  const std::int64_t fill_end_epoch = epoch_seconds();
  spdlog::info("filled: {:.0f} alerts stored from {} events in {:.1f} s", stored, next_event, fill_seconds);
  result["alerts_stored"] = stored;
  result["events_sent"] = next_event;
  result["fill_s"] = round3(fill_seconds);

  // A middle slice of the fill's time range: about a fifth of the alerts.
  const std::int64_t span = std::max<std::int64_t>(fill_end_epoch - fill_start_epoch, 5);
  const std::string from = std::to_string(fill_start_epoch + span * 2 / 5);
  const std::string to = std::to_string(fill_start_epoch + span * 3 / 5);
  const std::vector<std::pair<std::string, std::string>> queries{
      {"newest 100", "/alerts"},
      {"level >= 10", "/alerts?level=10"},
      {"rule 200201", "/alerts?rule_id=200201"},
      {"group authentication_failed", "/alerts?group=authentication_failed"},
      {"search 'invalid user'", "/alerts?search=invalid%20user"},
      {"time range (middle fifth)", "/alerts?from=" + from + "&to=" + to},
      {"sort -level", "/alerts?sort=-level"},
      {"page at offset 10000", "/alerts?offset=10000&limit=100"},
      {"agent, level >= 5, limit 500", "/alerts?agent_id=" + agent.id + "&level=5&limit=500"},
  };
  json::array figures;
  for (const auto& [name, target] : queries) {
    std::vector<double> samples;
    unsigned status = 0;
    double total = 0;
    for (std::size_t i = 0; i < options.queries; ++i) {
      const long long start = monotonic_ns();
      const auto reply = co_await client.call(verb::get, target);
      samples.push_back(static_cast<double>(monotonic_ns() - start) / 1e6);
      status = reply.status;
      if (i == 0 && status == 200) {
        json::error_code ec;
        const auto parsed = json::parse(reply.body, ec);
        if (!ec) {
          if (const auto* n = parsed.at_pointer("/data/total_affected_items").if_int64())
            total = static_cast<double>(*n);
          else if (const auto* u = parsed.at_pointer("/data/total_affected_items").if_uint64())
            total = static_cast<double>(*u);
        }
      }
    }
    json::object figure{{"query", name}, {"target", target}, {"status", status}, {"total_affected_items", total}};
    const auto summary = summarize(samples);
    put_summary(figure, summary, "_ms");
    spdlog::info("{}: HTTP {}, {} matches, p50 {:.2f} ms, p99 {:.2f} ms", name, status, total, summary.p50,
                 summary.p99);
    figures.push_back(std::move(figure));
  }
  result["queries"] = std::move(figures);
}

}  // namespace

int run_alerts_search(int argc, char** argv) {
  bool help_shown = false;
  const auto options = parse_options(argc, argv, help_shown);
  if (!options) return help_shown ? 0 : 2;
  json::object result{{"command", "alerts search"},
                      {"alerts_wanted", options->alerts},
                      {"queries_each", options->queries},
                      {"loadavg_1m_before", round3(load_average_1m())}};
  std::string password;
  auto spawn = spawn_options(*options, password);
  return run_on_spawned_server(
      "alerts search", spawn, password, result,
      [&](const BenchContext& context, tcp::endpoint comms) { return measure(context, comms, *options, result); });
}

}  // namespace herald::bench
