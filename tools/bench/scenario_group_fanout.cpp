// One command to a group of every enrolled agent: how long until the server answers, which it does
// only once all the expanded orders are committed.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>

#include "commands.h"
#include "concurrency.h"
#include "latency_stats.h"
#include "scenarios.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;

awaitable<json::object> run_group_fanout(const BenchContext& context, const Fleet& fleet, const IngestOptions& options) {
  ScenarioMeter meter(context);
  ApiClient client(context.executor, context.endpoint, *context.credentials);
  const std::string target = "/_plugins/_command_manager/commands";
  const std::string body = command_body(TargetType::group, fleet.group, options.order_timeout_s);

  std::vector<double> latencies;
  json::array runs;
  std::size_t failures = 0;
  for (std::size_t run = 0; run < options.fanout_repeats; ++run) {
    const auto started = std::chrono::steady_clock::now();
    auto reply = co_await client.call(verb::post, target, body);
    const double latency = seconds_since(started);
    const auto parsed = reply.status == 200 ? parse_command_reply(reply.body) : std::nullopt;
    const std::size_t orders = parsed ? parsed->orders : 0;
    if (!parsed || orders != fleet.agent_ids.size()) {
      ++failures;
      spdlog::warn("group-fanout: unexpected reply {}", reply.body.substr(0, 300));
    } else {
      latencies.push_back(latency);
    }
    spdlog::info("group-fanout run {}/{}: HTTP {} in {:.3f} s, {} order ids", run + 1, options.fanout_repeats,
                 reply.status, latency, orders);
    runs.push_back(json::object{{"status", reply.status}, {"latency_s", round3(latency)}, {"order_ids", orders},
                                {"reply_bytes", reply.body.size()}});
    // Let the server settle (write-behind, checkpoints) so runs do not pile onto each other.
    co_await sleep_for(std::chrono::seconds(1));
  }
  // Only answered runs (200 with every order id) count towards the figures.
  auto summary = summarize(latencies);
  const double orders_per_s = summary.p50 > 0 ? static_cast<double>(fleet.agent_ids.size()) / summary.p50 : 0;
  json::object out{{"scenario", "group-fanout"},
                   {"agents", fleet.agent_ids.size()},
                   {"group_members", fleet.agent_ids.size()},
                   {"runs", std::move(runs)},
                   {"median_s", round3(summary.p50)},
                   {"min_s", round3(summary.min)},
                   {"max_s", round3(summary.max)},
                   {"orders_per_s_at_median", round3(orders_per_s)},
                   {"failed_runs", failures},
                   {"target_s", 2.0}};
  meter.finish(out);
  if (const auto* cpu = out.if_contains("server_cpu_s")) {
    out["server_cpu_s_per_run"] = round3(cpu->to_number<double>() / static_cast<double>(options.fanout_repeats));
  }
  co_return out;
}

}  // namespace herald::bench
