#include "closed_loop.h"

#include <spdlog/spdlog.h>

#include "concurrency.h"
#include "latency_stats.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using SteadyClock = std::chrono::steady_clock;

namespace {
constexpr std::size_t kFailuresToLog = 5;
}  // namespace

awaitable<ClosedLoopResult> run_closed_loop(const BenchContext& context, const ClosedLoopOptions& options) {
  auto to_duration = [](double seconds) {
    return std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
  };
  const auto measure_from = SteadyClock::now() + to_duration(options.warmup_s);
  const auto stop_at = measure_from + to_duration(options.duration_s);
  std::vector<std::vector<double>> per_client(options.clients);
  ClosedLoopResult result;
  SteadyClock::time_point last_completion = measure_from;
  std::size_t failures_logged = 0;

  co_await run_concurrently(options.clients, [&](std::size_t index) -> awaitable<void> {
    ApiClient client(context.executor, context.endpoint, *context.credentials);
    std::mt19937_64 random(index * 7919 + 17);
    auto& latencies = per_client[index];
    while (SteadyClock::now() < stop_at) {
      const std::string body = options.next_body ? options.next_body(random) : std::string();
      const auto sent = SteadyClock::now();
      unsigned status = 0;
      try {
        auto reply = co_await client.call(options.method, options.target, body);
        status = reply.status;
        if (status != 200 && failures_logged++ < kFailuresToLog) {
          spdlog::warn("{}: HTTP {} {}", options.target, status, reply.body.substr(0, 200));
        }
      } catch (const std::exception& error) {
        if (failures_logged++ < kFailuresToLog) spdlog::warn("{}: {}", options.target, error.what());
        client.connection().close();
      }
      const auto done = SteadyClock::now();
      if (sent < measure_from) {
        ++result.warmup_requests;
        continue;
      }
      latencies.push_back(std::chrono::duration<double, std::milli>(done - sent).count());
      if (status != 200) ++result.errors;
      if (done > last_completion) last_completion = done;
    }
  });
  for (auto& latencies : per_client) {
    result.latencies_ms.insert(result.latencies_ms.end(), latencies.begin(), latencies.end());
  }
  result.window_s = std::chrono::duration<double>(last_completion - measure_from).count();
  co_return result;
}

void put_closed_loop_result(json::object& out, ClosedLoopResult& result, double server_cpu_s) {
  const double rate = result.window_s > 0 ? static_cast<double>(result.latencies_ms.size()) / result.window_s : 0;
  auto summary = summarize(result.latencies_ms);
  spdlog::info("{} requests in {:.2f} s = {:.0f}/s, p50 {:.2f} ms p99 {:.2f} ms, {} errors", summary.count,
               result.window_s, rate, summary.p50, summary.p99, result.errors);
  out["duration_s"] = round3(result.window_s);
  out["requests"] = summary.count;
  out["requests_per_s"] = round3(rate);
  out["errors"] = result.errors;
  put_summary(out, summary, "_ms");
  const auto all_requests = result.warmup_requests + summary.count;
  if (server_cpu_s >= 0 && all_requests > 0) {
    out["server_cpu_us_per_request"] = round3(server_cpu_s * 1e6 / static_cast<double>(all_requests));
  }
}

}  // namespace herald::bench
