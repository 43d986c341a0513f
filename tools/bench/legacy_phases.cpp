#include "legacy_phases.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "api_client.h"
#include "commands.h"
#include "concurrency.h"
#include "latency_stats.h"
#include "process_stats.h"
#include "prometheus_text.h"
#include "spawned_server.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// herald_legacy_* counters from GET /metrics.
struct LegacyCounters {
  double control = 0;      // herald_legacy_messages_total{kind="control"}
  double events = 0;       // herald_legacy_messages_total{kind="event"}
  double events_lost = 0;  // herald_legacy_events_lost_total
  double keepalive_writes = 0;  // herald_keepalive_writes_total (liveness rows written)
};

awaitable<LegacyCounters> legacy_counters(const BenchContext& context) {
  ApiClient client(context.executor, context.endpoint, *context.credentials);
  const std::string target = "/metrics";
  const auto reply = co_await client.call(verb::get, target);
  if (reply.status != 200) throw std::runtime_error("GET /metrics: HTTP " + std::to_string(reply.status));
  LegacyCounters out;
  out.control = metric_value(reply.body, "herald_legacy_messages_total", "kind=\"control\"").value_or(0);
  out.events = metric_value(reply.body, "herald_legacy_messages_total", "kind=\"event\"").value_or(0);
  out.events_lost = metric_value(reply.body, "herald_legacy_events_lost_total").value_or(0);
  out.keepalive_writes = metric_value(reply.body, "herald_keepalive_writes_total").value_or(0);
  co_return out;
}

struct WindowEdge {
  LegacyCounters counters;
  SteadyClock::time_point at;
  double server_cpu_s = 0;
  double bench_cpu_s = 0;
  double fetch_ms = 0;  // how long GET /metrics took to answer
};

double percent_of_core(double cpu_s, double wall_s) { return wall_s > 0 ? round3(100.0 * cpu_s / wall_s) : 0; }

}  // namespace

json::object legacy_stats_json(const LegacyAgentStats& stats) {
  json::object out{{"connected", stats.connected.load()},
                   {"connect_failed", stats.connect_failed.load()},
                   {"dropped", stats.dropped.load()},
                   {"keepalives_sent", stats.keepalives_sent.load()},
                   {"acks", stats.acks.load()},
                   {"merged_pushes", stats.pushes.load()},
                   {"bad_merged_pushes", stats.bad_pushes.load()},
                   {"restarts", stats.restarts.load()},
                   {"other_messages", stats.other_messages.load()},
                   {"undecodable", stats.undecodable.load()},
                   {"events_written", stats.events_written.load()}};
  if (auto error = stats.first_error(); !error.empty()) out["first_error"] = error;
  return out;
}

awaitable<json::object> legacy_rest_phase(LegacyRun& run) {
  const pid_t pid = run.context.server_pid;
  const auto& stats = run.fleet.stats();
  json::object out{{"settle_s", run.options.settle_s}};
  co_await sleep_for(milliseconds(run.options.settle_s));
  out["loadavg_1m_before"] = load_average_1m();
  spdlog::info("rest: {} s with {} agents connected, keep-alive every {} s (load {:.2f})", run.options.rest_window_s,
               stats.connected.load(), run.options.keepalive_interval_s, load_average_1m());
  const auto before = co_await legacy_counters(run.context);
  const auto keepalives_before = stats.keepalives_sent.load();
  const auto acks_before = stats.acks.load();
  const double bench_before = self_cpu_seconds();
  const double cpu_before = process_cpu_seconds(pid);
  const auto started = SteadyClock::now();
  co_await sleep_for(milliseconds(run.options.rest_window_s));
  const double cpu = process_cpu_seconds(pid) - cpu_before;
  const double wall = seconds_since(started);
  const double bench_cpu = self_cpu_seconds() - bench_before;
  const auto rss = proc_status_kib(pid, "VmRSS");
  const auto after = co_await legacy_counters(run.context);
  const auto connected = stats.connected.load() - stats.dropped.load();
  out["seconds"] = round3(wall);
  out["agents_connected"] = connected;
  out["server_cpu_s"] = round3(cpu);
  out["server_cpu_pct_of_core"] = percent_of_core(cpu, wall);
  out["goal_cpu_pct_of_core"] = 5;
  out["rss_before_connect_mib"] = mib(run.rss_before_kib);
  out["rss_mib"] = mib(rss);
  out["rss_per_agent_kib"] = connected ? round3(static_cast<double>(rss - run.rss_before_kib) / static_cast<double>(connected)) : 0.0;
  out["goal_rss_per_agent_kib"] = 8;
  out["vm_hwm_mib"] = mib(proc_status_kib(pid, "VmHWM"));
  out["server_fds"] = open_fds(pid);
  out["server_threads"] = proc_status_kib(pid, "Threads");
  out["control_messages_per_s"] = round3((after.control - before.control) / wall);
  out["keepalive_writes_per_s"] = round3((after.keepalive_writes - before.keepalive_writes) / wall);
  out["expected_keepalives_per_s"] = round3(static_cast<double>(connected) / static_cast<double>(run.options.keepalive_interval_s));
  out["keepalives_sent_per_s"] = round3(static_cast<double>(stats.keepalives_sent.load() - keepalives_before) / wall);
  out["acks_per_s"] = round3(static_cast<double>(stats.acks.load() - acks_before) / wall);
  out["bench_cpu_s"] = round3(bench_cpu);
  spdlog::info("rest: heraldd CPU {:.3f} s in {:.1f} s ({:.2f}% of a core), RSS {:.1f} MiB ({:.2f} KiB/agent), "
               "{:.0f} control messages/s",
               cpu, wall, 100.0 * cpu / wall, static_cast<double>(rss) / 1024.0,
               out["rss_per_agent_kib"].as_double(), (after.control - before.control) / wall);
  co_return out;
}

awaitable<json::object> legacy_restart_phase(LegacyRun& run) {
  const pid_t pid = run.context.server_pid;
  const auto& stats = run.fleet.stats();
  const auto expected = stats.connected.load() - stats.dropped.load();
  json::object out{{"agents", expected}, {"loadavg_1m_before", load_average_1m()}};
  const auto restarts_before = stats.restarts.load();
  const std::string target = "/_plugins/_command_manager/commands";
  const std::string body = command_body(TargetType::group, run.group, run.options.order_timeout_s);
  ApiClient client(run.context.executor, run.context.endpoint, *run.context.credentials);
  co_await client.call(verb::get, "/groups");  // logged in and connected before the clock starts
  const double cpu_before = process_cpu_seconds(pid);
  const auto posted_ns = monotonic_ns();
  const auto reply = co_await client.call(verb::post, target, body);
  const auto ok_ns = monotonic_ns();
  if (reply.status != 200) {
    throw std::runtime_error("restart command: HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 300));
  }
  const auto parsed = parse_command_reply(reply.body);
  out["orders"] = parsed ? parsed->orders : 0;
  out["post_to_200_ms"] = round3(static_cast<double>(ok_ns - posted_ns) / 1e6);
  const auto give_up = SteadyClock::now() + milliseconds(run.options.restart_wait_s);
  while (stats.restarts.load() - restarts_before < expected && SteadyClock::now() < give_up) {
    co_await sleep_for(run.options.poll_interval);
  }
  const double cpu = process_cpu_seconds(pid) - cpu_before;
  std::vector<double> after_200_ms;
  long long last_ns = 0;
  for (const long long at : run.fleet.restart_times()) {
    if (at == 0) continue;
    after_200_ms.push_back(static_cast<double>(at - ok_ns) / 1e6);
    last_ns = std::max(last_ns, at);
  }
  const auto delivered = after_200_ms.size();
  out["delivered"] = delivered;
  // heraldd hands the orders to the connected agents before it writes the 200.
  out["delivered_before_200"] =
      std::count_if(after_200_ms.begin(), after_200_ms.end(), [](double ms) { return ms < 0; });
  out["all_delivered"] = delivered >= expected;
  const double all_ms = static_cast<double>(last_ns - ok_ns) / 1e6;
  out["last_delivery_after_200_ms"] = round3(all_ms);
  out["last_delivery_after_post_ms"] = round3(static_cast<double>(last_ns - posted_ns) / 1e6);
  out["goal_ms"] = 1000;
  json::object latency;
  const auto summary = summarize(after_200_ms);
  put_summary(latency, summary, "_ms");
  out["delivery_after_200"] = std::move(latency);
  out["server_cpu_s"] = round3(cpu);
  spdlog::info("restart: {}/{} agents got it; the last {:.1f} ms after the 200 ({:.1f} ms after the POST)", delivered,
               expected, all_ms, static_cast<double>(last_ns - posted_ns) / 1e6);
  co_return out;
}

awaitable<json::object> legacy_events_phase(LegacyRun& run) {
  const pid_t pid = run.context.server_pid;
  const auto& stats = run.fleet.stats();
  const auto count = run.options.event_agents;
  json::object out{{"agents", count},
                   {"event_text", run.options.event_text},
                   {"event_bytes", run.options.event_text.size()},
                   {"ring", run.options.event_ring},
                   {"loadavg_1m_before", load_average_1m()}};
  const auto ready_before = stats.blasters_ready.load();
  const auto dropped_before = stats.dropped.load();
  run.fleet.start_blasting(count, run.options.event_text, run.options.event_ring);
  const auto encode_started = SteadyClock::now();
  while (stats.blasters_ready.load() - ready_before < count) co_await sleep_for(std::chrono::milliseconds(20));
  out["encode_s"] = round3(seconds_since(encode_started));
  spdlog::info("events: {} agents blasting; {} s warm-up, then {} s measured", count, run.options.event_warmup_s,
               run.options.event_window_s);
  co_await sleep_for(milliseconds(run.options.event_warmup_s));
  // heraldd answers /metrics late while it is flooded, so each edge of the window is the moment
  // its reply arrived: the counter, heraldd's CPU and the clock are read together there.
  const auto edge = [&run, pid]() -> awaitable<WindowEdge> {
    const auto asked = SteadyClock::now();
    WindowEdge out;
    out.counters = co_await legacy_counters(run.context);
    out.at = SteadyClock::now();
    out.server_cpu_s = process_cpu_seconds(pid);
    out.bench_cpu_s = self_cpu_seconds();
    out.fetch_ms = 1000.0 * std::chrono::duration<double>(out.at - asked).count();
    co_return out;
  };
  const auto before = co_await edge();
  const auto written_before = stats.events_written.load();
  co_await sleep_for(milliseconds(run.options.event_window_s));
  const auto after = co_await edge();
  const auto written = stats.events_written.load() - written_before;
  const double cpu = after.server_cpu_s - before.server_cpu_s;
  const double wall = std::chrono::duration<double>(after.at - before.at).count();
  const double bench_cpu = after.bench_cpu_s - before.bench_cpu_s;
  run.fleet.stop_blasting(count);
  const double accepted = after.counters.events - before.counters.events;
  out["seconds"] = round3(wall);
  out["events_accepted"] = accepted;
  out["events_per_s"] = round3(accepted / wall);
  out["server_cpu_s"] = round3(cpu);
  out["server_cpu_pct_of_core"] = percent_of_core(cpu, wall);
  out["events_per_cpu_s"] = cpu > 0 ? round3(accepted / cpu) : 0.0;
  out["goal_events_per_cpu_s"] = 50'000;
  out["events_lost"] = after.counters.events_lost - before.counters.events_lost;
  out["metrics_reply_ms_at_start"] = round3(before.fetch_ms);
  out["metrics_reply_ms_at_end"] = round3(after.fetch_ms);
  out["events_written_by_bench"] = written;
  out["bench_cpu_s"] = round3(bench_cpu);
  out["bench_cpu_pct_of_core"] = percent_of_core(bench_cpu, wall);
  out["rss_mib"] = mib(proc_status_kib(pid, "VmRSS"));
  out["agents_dropped"] = stats.dropped.load() - dropped_before;
  spdlog::info("events: {:.0f} accepted in {:.1f} s ({:.0f}/s), heraldd CPU {:.2f} s ({:.0f} events per CPU-second), "
               "bench CPU {:.2f} s",
               accepted, wall, accepted / wall, cpu, cpu > 0 ? accepted / cpu : 0.0, bench_cpu);
  // Let the sockets drain before anything else is measured.
  co_await sleep_for(std::chrono::seconds(1));
  co_return out;
}

}  // namespace herald::bench
