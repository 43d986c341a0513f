// Many clients each sending single-agent commands back to back: throughput and latency of the
// smallest durable write the API offers.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "closed_loop.h"
#include "commands.h"
#include "latency_stats.h"
#include "scenarios.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;

awaitable<json::object> run_single_agent(const BenchContext& context, const Fleet& fleet, const IngestOptions& options) {
  // Every body differs only in the agent id: build the halves once.
  const std::string marker = "@AGENT@";
  const std::string templ = command_body(TargetType::agent, marker, options.order_timeout_s);
  const auto cut = templ.find(marker);
  const std::string head = templ.substr(0, cut);
  const std::string tail = templ.substr(cut + marker.size());
  std::uniform_int_distribution<std::size_t> pick(0, fleet.agent_ids.size() - 1);

  ClosedLoopOptions load;
  load.clients = options.clients;
  load.warmup_s = options.warmup_s;
  load.duration_s = options.duration_s;
  load.method = verb::post;
  load.target = "/_plugins/_command_manager/commands";
  load.next_body = [&](std::mt19937_64& random) { return head + fleet.agent_ids[pick(random)] + tail; };

  spdlog::info("single-agent: {} clients, {:.1f} s warm-up + {:.1f} s measured", options.clients, options.warmup_s,
               options.duration_s);
  ScenarioMeter meter(context);
  auto result = co_await run_closed_loop(context, load);
  json::object out{{"scenario", "single-agent"},
                   {"agents", fleet.agent_ids.size()},
                   {"clients", options.clients},
                   {"target_requests_per_s", 10000},
                   {"target_p99_ms", 20}};
  meter.finish(out);
  const auto* cpu = out.if_contains("server_cpu_s");
  put_closed_loop_result(out, result, cpu ? cpu->to_number<double>() : -1);
  co_return out;
}

}  // namespace herald::bench
