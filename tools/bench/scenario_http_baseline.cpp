// The same closed loop as single-agent, on GET /health: the cost of the HTTP stack alone, to tell
// how much of a command's latency is the server's command path.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "closed_loop.h"
#include "latency_stats.h"
#include "scenarios.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;

awaitable<json::object> run_http_baseline(const BenchContext& context, const IngestOptions& options) {
  ClosedLoopOptions load;
  load.clients = options.clients;
  load.warmup_s = options.warmup_s;
  load.duration_s = options.duration_s;
  load.target = "/health";
  spdlog::info("http-baseline: {} clients on GET /health", options.clients);
  ScenarioMeter meter(context);
  auto result = co_await run_closed_loop(context, load);
  json::object out{{"scenario", "http-baseline"}, {"clients", options.clients}};
  meter.finish(out);
  const auto* cpu = out.if_contains("server_cpu_s");
  put_closed_loop_result(out, result, cpu ? cpu->to_number<double>() : -1);
  co_return out;
}

}  // namespace herald::bench
