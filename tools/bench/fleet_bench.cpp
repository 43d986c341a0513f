// herald-bench fleet: the coordinator's steps. fleet_harness.cpp sets the fleet up and forks the
// agent worker processes (fleet_worker.cpp); these steps steer them, send the commands and turn
// the workers' CLOCK_MONOTONIC stamps into latencies.
#include "fleet_bench.h"

// g++ 12 false positive: once the fleet_flow coroutine's ramp is inlined into run_fleet, it pairs
// asio's aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "api_client.h"
#include "bench_context.h"
#include "commands.h"
#include "concurrency.h"
#include "fleet.h"
#include "fleet_harness.h"
#include "fleet_options.h"
#include "fleet_steps.h"
#include "latency_stats.h"
#include "process_stats.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

awaitable<void> fleet_flow(FleetRun& run, const FleetOptions& options) {
  const auto n = run.fleet.agent_ids.size();
  const pid_t pid = run.context.server_pid;
  auto& events = run.events;
  auto& result = run.result;
  ApiClient client(run.context.executor, run.context.endpoint, *run.context.credentials);

  co_await authenticate_fleet(run);

  // park + idle
  {
    json::object idle;
    const auto rss_before = proc_status_kib(pid, "VmRSS");
    const auto fds_before = open_fds(pid);
    events.new_phase();
    run.workers.tell("report 0\npark\n");
    json::object parking;
    co_await park(run, "park", n, parking);
    result["park"] = std::move(parking);
    spdlog::info("idle: measuring {} s with {} polls parked (load {:.2f})", options.idle_s, n, load_average_1m());
    const double load = load_average_1m();
    const double cpu_before = process_cpu_seconds(pid);
    co_await sleep_for(std::chrono::milliseconds(static_cast<long>(options.idle_s * 1000)));
    const double cpu = process_cpu_seconds(pid) - cpu_before;
    const auto rss_parked = proc_status_kib(pid, "VmRSS");
    const auto fds_parked = open_fds(pid);
    if (pid > 0) {
      idle["rss_before_park_mib"] = mib(rss_before);
      idle["rss_parked_mib"] = mib(rss_parked);
      idle["rss_per_parked_agent_kib"] = round3(static_cast<double>(rss_parked - rss_before) / static_cast<double>(n));
      idle["vm_hwm_mib"] = mib(proc_status_kib(pid, "VmHWM"));
      idle["server_fds_before_park"] = fds_before;
      idle["server_fds_parked"] = fds_parked;
      idle["server_cpu_s"] = round3(cpu);
      idle["server_cpu_pct_of_core"] = round3(100.0 * cpu / options.idle_s);
    }
    idle["seconds"] = options.idle_s;
    idle["loadavg_1m_before"] = load;
    idle["poll_timeouts_408"] = events.poll_timeouts;
    result["idle"] = std::move(idle);
    spdlog::info("idle: RSS {:.1f} MiB before parking, {:.1f} MiB parked; CPU {:.3f} s in {} s", mib(rss_before),
                 mib(rss_parked), cpu, options.idle_s);
  }

  // group command + results
  {
    json::object group;
    group["loadavg_1m_before"] = load_average_1m();
    ScenarioMeter meter(run.context);
    const double workers_cpu_before = run.workers.cpu_seconds();
    events.new_phase();
    run.workers.tell("report 1\n");
    const std::string target = "/_plugins/_command_manager/commands";
    const std::string body = command_body(TargetType::group, run.fleet.group, options.order_timeout_s);
    spdlog::info("group: one command to {} ({} agents)", run.fleet.group, n);
    const auto sent_ns = monotonic_ns();
    auto reply = co_await client.call(verb::post, target, body);
    const auto answered_ns = monotonic_ns();
    const auto parsed = parse_command_reply(reply.body);
    if (reply.status != 200 || !parsed) {
      throw std::runtime_error("group command: HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 300));
    }
    group["post_ms"] = round3(static_cast<double>(answered_ns - sent_ns) / 1e6);
    group["orders"] = parsed->orders;
    group["request_id"] = parsed->request_id;

    // Poll the success count while deliveries and results come in.
    const std::string count_target =
        "/orders?request_id=" + parsed->request_id + "&status=success&limit=1";
    const auto answered = SteadyClock::now();
    double all_success_s = -1, not_before_s = 0;
    std::size_t last_count = 0, polls = 0;
    std::vector<double> poll_ms;
    while (seconds_since(answered) < options.results_wait_s) {
      const double poll_started = seconds_since(answered);
      auto count_reply = co_await client.call(verb::get, count_target);
      ++polls;
      poll_ms.push_back((seconds_since(answered) - poll_started) * 1000.0);
      const auto total = parse_total(count_reply.body);
      if (count_reply.status == 200 && total) last_count = *total;
      if (last_count >= n) {
        all_success_s = seconds_since(answered);
        break;
      }
      not_before_s = poll_started;
      co_await sleep_for(options.poll_interval);
    }
    // Deliveries normally finished long before; bound the wait anyway.
    const std::function<bool()> delivered = [&] { return events.received >= n; };
    co_await wait_until(delivered, options.deliver_wait_s);

    std::vector<double> from_200, from_send;
    long long last_ns = 0;
    for (const auto ns : events.received_ns) {
      if (ns == 0) continue;
      from_200.push_back(static_cast<double>(ns - answered_ns) / 1e6);
      from_send.push_back(static_cast<double>(ns - sent_ns) / 1e6);
      last_ns = std::max(last_ns, ns);
    }
    long long last_result_ns = 0;
    for (const auto ns : events.result_ns) last_result_ns = std::max(last_result_ns, ns);
    group["agents_reached"] = events.received;
    group["duplicate_deliveries"] = events.duplicates;
    group["last_delivery_after_200_s"] = round3(static_cast<double>(last_ns - answered_ns) / 1e9);
    group["last_delivery_after_send_s"] = round3(static_cast<double>(last_ns - sent_ns) / 1e9);
    group["delivery_after_200"] = latency_json(from_200);
    group["delivery_after_send"] = latency_json(from_send);
    json::object results;
    results["posted"] = events.results;
    results["post_failures"] = events.result_failures;
    results["post_latency"] = latency_json(events.result_post_ms);
    results["last_post_answered_after_200_s"] =
        round3(last_result_ns > 0 ? static_cast<double>(last_result_ns - answered_ns) / 1e9 : -1.0);
    results["success_count_seen"] = last_count;
    results["all_success_after_200_s"] = round3(all_success_s);
    results["all_success_not_before_s"] = round3(not_before_s);
    results["count_polls"] = polls;
    results["count_poll"] = latency_json(poll_ms);
    group["results"] = std::move(results);
    meter.finish(group);
    group["workers_cpu_s"] = round3(run.workers.cpu_seconds() - workers_cpu_before);
    spdlog::info("group: POST {:.1f} ms; {}/{} agents reached, last {:.3f} s after the 200; all success after {:.3f} s",
                 static_cast<double>(answered_ns - sent_ns) / 1e6, events.received, n,
                 static_cast<double>(last_ns - answered_ns) / 1e9, all_success_s);
    result["group_command"] = std::move(group);
  }

  // single-agent commands
  if (options.single_commands > 0) {
    json::object single;
    json::object reparking;
    // Every agent re-polls once after its result POST.
    co_await park(run, "re-park", n, reparking);
    run.workers.tell("report 0\n");
    single["repark"] = std::move(reparking);
    single["loadavg_1m_before"] = load_average_1m();
    ScenarioMeter meter(run.context);
    const double workers_cpu_before = run.workers.cpu_seconds();
    std::mt19937_64 random{std::random_device{}()};
    std::vector<double> from_200, from_send, post_ms;
    std::size_t missed = 0;
    const std::string target = "/_plugins/_command_manager/commands";
    for (std::size_t k = 0; k < options.single_commands; ++k) {
      const auto agent = static_cast<std::size_t>(random() % n);
      events.watched = agent;
      events.watched_received_ns = 0;
      events.watched_repolled = false;
      const std::string body = command_body(TargetType::agent, run.fleet.agent_ids[agent], options.order_timeout_s);
      const auto sent_ns = monotonic_ns();
      auto reply = co_await client.call(verb::post, target, body);
      const auto answered_ns = monotonic_ns();
      if (reply.status != 200) throw std::runtime_error("single-agent command: HTTP " + std::to_string(reply.status));
      post_ms.push_back(static_cast<double>(answered_ns - sent_ns) / 1e6);
      const std::function<bool()> received = [&] { return events.watched_received_ns != 0; };
      if (!co_await wait_until(received, 10)) {
        ++missed;
        continue;
      }
      from_200.push_back(static_cast<double>(events.watched_received_ns - answered_ns) / 1e6);
      from_send.push_back(static_cast<double>(events.watched_received_ns - sent_ns) / 1e6);
      // Let the agent park again before the next command.
      const std::function<bool()> repolled = [&] { return events.watched_repolled; };
      co_await wait_until(repolled, 10);
      co_await sleep_for(std::chrono::milliseconds(5));
    }
    events.watched = SIZE_MAX;
    single["commands"] = options.single_commands;
    single["missed"] = missed;
    single["delivery_after_200"] = latency_json(from_200);
    single["delivery_after_send"] = latency_json(from_send);
    single["command_post"] = latency_json(post_ms);
    meter.finish(single);
    single["workers_cpu_s"] = round3(run.workers.cpu_seconds() - workers_cpu_before);
    spdlog::info("single: p50 {:.2f} ms, p99 {:.2f} ms after the 200", percentile(from_200, 0.5),
                 percentile(from_200, 0.99));
    result["single_agent"] = std::move(single);
  }

  result["agent_errors"] = json::object{{"count", events.errors},
                                        {"samples", json::value_from(events.error_samples)},
                                        {"poll_timeouts_408", events.poll_timeouts},
                                        {"commands_received", events.commands_received},
                                        {"orders_redelivered", events.redelivered},
                                        {"redelivered_samples", json::value_from(events.redelivered_samples)}};
}

}  // namespace

int run_fleet(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_fleet_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const FleetOptions options = *parsed;
  FleetCommand command;
  command.name = "fleet";
  command.needs_group = true;
  command.steps = [&options](FleetRun& run) { return fleet_flow(run, options); };
  return run_fleet_command(options, std::move(command));
}

}  // namespace herald::bench
