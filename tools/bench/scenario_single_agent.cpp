// Many clients each sending single-agent commands back to back: throughput and latency of the
// smallest durable write the API offers.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <random>

#include "commands.h"
#include "concurrency.h"
#include "latency_stats.h"
#include "scenarios.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct ClientTotals {
  std::vector<double> latencies_ms;  // measured window only
  std::size_t errors = 0;            // non-200 or network failure, measured window only
  std::size_t warmup_requests = 0;
};

}  // namespace

awaitable<json::object> run_single_agent(const BenchContext& context, const Fleet& fleet, const IngestOptions& options) {
  const auto warmup = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(options.warmup_s));
  const auto measured =
      std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(options.duration_s));
  const std::string target = "/_plugins/_command_manager/commands";
  // Every body differs only in the agent id: build the halves once.
  const std::string marker = "@AGENT@";
  const std::string templ = command_body(TargetType::agent, marker, options.order_timeout_s);
  const auto cut = templ.find(marker);
  const std::string head = templ.substr(0, cut);
  const std::string tail = templ.substr(cut + marker.size());

  std::vector<ClientTotals> totals(options.clients);
  std::size_t status_samples_logged = 0;
  const auto started = SteadyClock::now();
  const auto measure_from = started + warmup;
  const auto stop_at = measure_from + measured;
  SteadyClock::time_point last_completion = measure_from;
  ScenarioMeter meter(context);
  spdlog::info("single-agent: {} clients, {:.1f} s warm-up + {:.1f} s measured", options.clients, options.warmup_s,
               options.duration_s);

  co_await run_concurrently(options.clients, [&](std::size_t index) -> awaitable<void> {
    ApiClient client(context.executor, context.endpoint, *context.credentials);
    std::mt19937_64 random(index * 7919 + 17);
    std::uniform_int_distribution<std::size_t> pick(0, fleet.agent_ids.size() - 1);
    auto& mine = totals[index];
    while (SteadyClock::now() < stop_at) {
      const std::string body = head + fleet.agent_ids[pick(random)] + tail;
      const auto sent = SteadyClock::now();
      unsigned status = 0;
      try {
        auto reply = co_await client.call(verb::post, target, body);
        status = reply.status;
        if (status != 200 && status_samples_logged++ < 5) {
          spdlog::warn("single-agent: HTTP {} {}", status, reply.body.substr(0, 200));
        }
      } catch (const std::exception& error) {
        if (status_samples_logged++ < 5) spdlog::warn("single-agent: {}", error.what());
        client.connection().close();
      }
      const auto done = SteadyClock::now();
      if (sent < measure_from) {
        ++mine.warmup_requests;
        continue;
      }
      mine.latencies_ms.push_back(std::chrono::duration<double, std::milli>(done - sent).count());
      if (status != 200) ++mine.errors;
      if (done > last_completion) last_completion = done;
    }
  });

  std::vector<double> latencies;
  std::size_t errors = 0;
  for (auto& client : totals) {
    latencies.insert(latencies.end(), client.latencies_ms.begin(), client.latencies_ms.end());
    errors += client.errors;
  }
  // Requests sent in the window, over the time until the last of them was answered.
  const double window = std::chrono::duration<double>(last_completion - measure_from).count();
  const double rate = window > 0 ? static_cast<double>(latencies.size()) / window : 0;
  auto summary = summarize(latencies);
  spdlog::info("single-agent: {} requests in {:.2f} s = {:.0f}/s, p50 {:.2f} ms p99 {:.2f} ms, {} errors",
               latencies.size(), window, rate, summary.p50, summary.p99, errors);
  json::object out{{"scenario", "single-agent"},
                   {"agents", fleet.agent_ids.size()},
                   {"clients", options.clients},
                   {"duration_s", round3(window)},
                   {"requests", latencies.size()},
                   {"requests_per_s", round3(rate)},
                   {"errors", errors},
                   {"target_requests_per_s", 10000},
                   {"target_p99_ms", 20}};
  put_summary(out, summary, "_ms");
  meter.finish(out);
  co_return out;
}

}  // namespace herald::bench
