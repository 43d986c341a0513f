// herald-bench keepalive: what agent liveness costs heraldd at rest, what a reconnection storm
// does to statuses, and how fast dead agents are detected. The fleet machinery (fleet_harness.h)
// enrolls the agents and runs them in worker processes; these are the steps on top.
#include "keepalive_bench.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <unordered_map>

#include "api_client.h"
#include "commands.h"
#include "concurrency.h"
#include "fleet_harness.h"
#include "keepalive_options.h"
#include "latency_stats.h"
#include "liveness_probe.h"
#include "process_stats.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

double percent_of_core(double cpu_s, double wall_s) { return wall_s > 0 ? round3(100.0 * cpu_s / wall_s) : 0; }

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

// {"count", "min_s", "p50_s", ...} of second samples (sorted in place).
json::object seconds_json(std::vector<double>& samples_s) {
  json::object out;
  const auto summary = summarize(samples_s);
  out["count"] = summary.count;
  put_summary(out, summary, "_s");
  return out;
}

// At rest: every agent parked, nothing happening.
awaitable<json::object> rest_step(FleetRun& run, const KeepaliveOptions& options, LivenessProbe& probe,
                                  double settle_s, double window_s, long long rss_before_park_kib) {
  const pid_t pid = run.context.server_pid;
  const auto n = run.fleet.agent_ids.size();
  co_await sleep_for(milliseconds(settle_s));
  json::object out;
  out["settle_s"] = settle_s;
  out["loadavg_1m_before"] = load_average_1m();
  spdlog::info("rest: measuring {} s with {} agents parked (load {:.2f})", window_s, n, load_average_1m());
  const auto before = co_await probe.metrics();
  const auto timeouts_before = run.events.poll_timeouts;
  const auto errors_before = run.events.errors;
  const double workers_before = run.workers.cpu_seconds();
  const double bench_before = self_cpu_seconds();
  const double cpu_before = process_cpu_seconds(pid);
  const auto started = SteadyClock::now();
  co_await sleep_for(milliseconds(window_s));
  const double cpu = process_cpu_seconds(pid) - cpu_before;
  const double wall = seconds_since(started);
  const double workers_cpu = run.workers.cpu_seconds() - workers_before;
  const double bench_cpu = self_cpu_seconds() - bench_before;
  const auto after = co_await probe.metrics();
  const double writes = after.keepalive_writes - before.keepalive_writes;
  out["seconds"] = round3(wall);
  if (pid > 0) {
    const auto rss = proc_status_kib(pid, "VmRSS");
    out["server_cpu_s"] = round3(cpu);
    out["server_cpu_pct_of_core"] = percent_of_core(cpu, wall);
    out["rss_mib"] = mib(rss);
    out["rss_before_park_mib"] = mib(rss_before_park_kib);
    out["rss_per_parked_agent_kib"] = round3(static_cast<double>(rss - rss_before_park_kib) / static_cast<double>(n));
    out["vm_hwm_mib"] = mib(proc_status_kib(pid, "VmHWM"));
    out["server_fds"] = open_fds(pid);
  }
  out["keepalive_writes"] = writes;
  out["keepalive_writes_per_s"] = round3(writes / wall);
  // heraldd refreshes a parked agent's keep-alive once per interval (a parked poll is a live
  // connection), so this is what the write-behind should produce at rest.
  out["expected_writes_per_s"] = round3(after.parked_polls / static_cast<double>(options.interval_s));
  out["status_transitions"] = after.transitions - before.transitions;
  out["gauges_after"] = after.gauges_json();
  out["poll_timeouts_408"] = run.events.poll_timeouts - timeouts_before;
  out["agent_errors"] = run.events.errors - errors_before;
  out["workers_cpu_s"] = round3(workers_cpu);
  out["bench_cpu_s"] = round3(bench_cpu);
  if (pid > 0) {
    // What one GET /metrics costs heraldd with this many agents (the storms sample it).
    constexpr int kScrapes = 20;
    const double scrape_cpu_before = process_cpu_seconds(pid);
    const auto scrapes_started = SteadyClock::now();
    for (int k = 0; k < kScrapes; ++k) co_await probe.metrics();
    out["metrics_scrape_cpu_ms"] = round3(1000.0 * (process_cpu_seconds(pid) - scrape_cpu_before) / kScrapes);
    out["metrics_scrape_wall_ms"] = round3(1000.0 * seconds_since(scrapes_started) / kScrapes);
  }
  spdlog::info("rest: heraldd CPU {:.3f} s in {:.1f} s ({:.2f}% of a core), {:.0f} keep-alive writes/s, {} transitions",
               cpu, wall, 100.0 * cpu / wall, writes / wall, after.transitions - before.transitions);
  co_return out;
}

// What the /metrics sampler saw while a storm ran, until every agent had polled again.
struct StormSamples {
  double pending_peak = 0;
  double active_min = -1;
  double pending_last_seen_s = -1;  // after the storm began; -1: never
  double transitions_before = 0;
  json::array timeline;  // [seconds since the storm began, active, pending, transitions so far]
  bool stop = false;
};

awaitable<void> sample_during_storm(const BenchContext& context, std::chrono::milliseconds period,
                                    SteadyClock::time_point started, StormSamples& samples) {
  LivenessProbe probe(context);
  while (!samples.stop) {
    const auto metrics = co_await probe.metrics();
    const double at = seconds_since(started);
    samples.pending_peak = std::max(samples.pending_peak, metrics.pending);
    if (samples.active_min < 0 || metrics.active < samples.active_min) samples.active_min = metrics.active;
    if (metrics.pending > 0) samples.pending_last_seen_s = at;
    samples.timeline.push_back(
        json::array{round3(at), metrics.active, metrics.pending, metrics.transitions - samples.transitions_before});
    co_await sleep_for(period);
  }
}

// Waits until every agent has polled again (and re-authenticated), stops the sampler a second
// later (its scrapes cost heraldd CPU), waits until heraldd is quiet, then --storm-settle more.
awaitable<void> park_after_storm(FleetRun& run, const KeepaliveOptions& options, bool reauthenticating,
                                 json::object& parking, double cpu_before, double& cpu_until_parked,
                                 StormSamples& samples) {
  struct StopSampler {
    StormSamples& samples;
    ~StopSampler() { samples.stop = true; }
  } stop_sampler{samples};
  const auto n = run.fleet.agent_ids.size();
  const auto started = SteadyClock::now();
  const std::function<bool()> all_written = [&run, n] { return run.events.written >= n; };
  const bool written = co_await wait_until(all_written, options.park_wait_s);
  const double written_s = seconds_since(started);
  if (reauthenticating) {
    const std::function<bool()> reauthenticated = [&run] { return run.events.auth_reports == run.workers.size(); };
    co_await wait_until(reauthenticated, options.park_wait_s);
  }
  co_await sleep_for(std::chrono::seconds(1));
  samples.stop = true;
  const bool quiet = co_await wait_server_quiet(run.context.server_pid, options.park_wait_s);
  cpu_until_parked = process_cpu_seconds(run.context.server_pid) - cpu_before;
  parking["polls_written"] = run.events.written;
  parking["all_written_s"] = round3(written_s);
  parking["parked_s"] = round3(seconds_since(started));
  parking["server_quiet"] = quiet;
  spdlog::info("storm: {}/{} polls written in {:.2f} s, server quiet after {:.2f} s", run.events.written, n, written_s,
               seconds_since(started));
  if (!written) throw std::runtime_error("storm: not every agent polled again in time");
  co_await sleep_for(milliseconds(options.storm_settle_s));
}

// Every agent's poll ends at once and it polls again: "replace" and "drop" reconnect (see
// fleet_worker.h), "orders" answers every poll with a group command.
awaitable<json::object> storm_step(FleetRun& run, const KeepaliveOptions& options, LivenessProbe& probe,
                                   const std::string& mode) {
  const pid_t pid = run.context.server_pid;
  const auto n = run.fleet.agent_ids.size();
  auto& events = run.events;
  json::object out{{"mode", mode}, {"agents", n}};
  out["loadavg_1m_before"] = load_average_1m();
  const auto summary_before = co_await probe.summary();
  const auto before = co_await probe.metrics();
  events.new_phase();
  events.new_auth_round();
  const auto errors_before = events.errors;
  const auto timeouts_before = events.poll_timeouts;
  const double workers_before = run.workers.cpu_seconds();
  const double cpu_before = process_cpu_seconds(pid);
  const auto in_flight = std::max<std::size_t>(1, options.storm_concurrency / run.workers.size());
  const bool reconnecting = mode != "orders";
  spdlog::info("storm {}: every agent's poll ends and it polls again ({}; load {:.2f})", mode,
               reconnecting ? std::to_string(in_flight) + " reconnections in flight per worker"
                            : "one group command, re-poll after " + std::to_string(options.repoll_delay_ms) + " ms",
               load_average_1m());
  const auto started = SteadyClock::now();
  StormSamples samples;
  samples.transitions_before = before.transitions;
  json::object parking;
  double cpu_until_parked = 0;
  if (reconnecting) {
    const std::string command = "storm " + mode + " " + std::to_string(in_flight) + "\n";
    run.workers.tell(command);
  } else {
    const std::string target = "/_plugins/_command_manager/commands";
    const std::string body = command_body(TargetType::group, run.fleet.group, options.order_timeout_s);
    ApiClient client(run.context.executor, run.context.endpoint, *run.context.credentials);
    const auto reply = co_await client.call(verb::post, target, body);
    if (reply.status != 200) {
      throw std::runtime_error("group command: HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 300));
    }
    out["command_post_ms"] = round3(seconds_since(started) * 1000.0);
  }
  const std::function<awaitable<void>(std::size_t)> sides = [&](std::size_t side) {
    return side == 0 ? park_after_storm(run, options, reconnecting, parking, cpu_before, cpu_until_parked, samples)
                     : sample_during_storm(run.context, options.poll_interval, started, samples);
  };
  co_await run_concurrently(2, sides);
  const auto after = co_await probe.metrics();
  const auto summary_after = co_await probe.summary();
  const double parked_s = parking.at("parked_s").as_double();
  if (reconnecting) {
    out["reauthenticated"] = events.auth_ok;
    out["reauthentication_failures"] = events.auth_failed;
  } else {
    out["orders_received"] = events.received;
    out["repoll_delay_ms"] = options.repoll_delay_ms;
  }
  out["polls_written"] = parking.at("polls_written");
  out["all_polls_written_s"] = parking.at("all_written_s");
  out["parked_again_s"] = parked_s;
  out["server_quiet"] = parking.at("server_quiet");
  if (pid > 0) {
    // Includes the /metrics sampler's scrapes (see rest.metrics_scrape_cpu_ms).
    out["server_cpu_s"] = round3(cpu_until_parked);
    out["server_cpu_pct_of_core"] = percent_of_core(cpu_until_parked, parked_s);
    out["rss_after_mib"] = mib(proc_status_kib(pid, "VmRSS"));
  }
  out["workers_cpu_s"] = round3(run.workers.cpu_seconds() - workers_before);
  const double transitions = after.transitions - before.transitions;
  out["status_transitions"] = transitions;  // during the storm and --storm-settle after it
  out["pending_peak"] = samples.pending_peak;
  out["active_min"] = samples.active_min;
  out["pending_last_seen_s"] = round3(samples.pending_last_seen_s);
  out["metrics_timeline"] = std::move(samples.timeline);
  out["keepalive_writes"] = after.keepalive_writes - before.keepalive_writes;
  out["summary_before"] = summary_before.to_json();
  out["summary_after"] = summary_after.to_json();
  out["all_active_after"] = summary_after.active == n && summary_after.pending == 0 && summary_after.disconnected == 0;
  out["disconnected_after"] = summary_after.disconnected;
  out["agent_errors"] = events.errors - errors_before;
  out["poll_timeouts_408"] = events.poll_timeouts - timeouts_before;
  spdlog::info("storm {}: all polls written after {:.2f} s, parked after {:.2f} s; heraldd CPU {:.2f} s; "
               "{} transitions, pending peak {}, after: {} active / {} pending / {} disconnected",
               mode, parking.at("all_written_s").as_double(), parked_s, cpu_until_parked, transitions,
               samples.pending_peak, summary_after.active, summary_after.pending, summary_after.disconnected);
  co_return out;
}

// One agent the dead-agent step stopped, and what the listing showed of it.
struct DeadAgent {
  std::size_t index = 0;
  std::size_t mode = 0;            // index into options.dead_modes
  long long stopped_ns = 0;        // last contact: connection closed / last reply read
  long long pending_seen_ns = 0;   // first listing showing it pending (or disconnected)
  long long disconnected_seen_ns = 0;
  long long not_before_ns = 0;     // start of the last listing that did not show it disconnected
  int disconnected_code = -1;
};

json::object dead_mode_json(const std::string& mode, const std::vector<DeadAgent>& agents, std::size_t mode_index,
                            const KeepaliveOptions& options) {
  std::vector<double> pending_s, disconnected_s, minus_timeout_s, not_before_minus_timeout_s;
  std::map<std::string, std::size_t> codes;
  std::size_t sample = 0, within = 0;
  const double timeout = static_cast<double>(options.timeout_s);
  for (const auto& agent : agents) {
    if (agent.mode != mode_index) continue;
    ++sample;
    if (agent.pending_seen_ns > 0) pending_s.push_back(static_cast<double>(agent.pending_seen_ns - agent.stopped_ns) / 1e9);
    if (agent.disconnected_seen_ns == 0) continue;
    const double detected = static_cast<double>(agent.disconnected_seen_ns - agent.stopped_ns) / 1e9;
    disconnected_s.push_back(detected);
    minus_timeout_s.push_back(detected - timeout);
    not_before_minus_timeout_s.push_back(static_cast<double>(agent.not_before_ns - agent.stopped_ns) / 1e9 - timeout);
    if (detected <= timeout + 1.0) ++within;
    ++codes[std::to_string(agent.disconnected_code)];
  }
  json::object code_counts;
  for (const auto& [code, count] : codes) code_counts[code] = count;
  json::object out{{"mode", mode}, {"sample", sample}, {"disconnected", disconnected_s.size()}};
  out["missing"] = sample - disconnected_s.size();
  out["disconnected_status_codes"] = std::move(code_counts);
  out["within_timeout_plus_1s"] = within;
  out["pending_after_stop"] = seconds_json(pending_s);
  out["disconnected_after_stop"] = seconds_json(disconnected_s);
  out["detection_minus_timeout"] = seconds_json(minus_timeout_s);
  out["detection_minus_timeout_lower_bound"] = seconds_json(not_before_minus_timeout_s);
  return out;
}

// Agents that stop for good: how long until heraldd lists them disconnected.
awaitable<json::object> dead_step(FleetRun& run, const KeepaliveOptions& options, LivenessProbe& probe) {
  const auto n = run.fleet.agent_ids.size();
  auto& events = run.events;
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64{std::random_device{}()});
  std::vector<DeadAgent> agents;
  std::unordered_map<std::string, std::size_t> by_id;  // agent id -> position in `agents`
  std::vector<std::string> lines(options.dead_modes.size());
  for (std::size_t mode = 0; mode < options.dead_modes.size(); ++mode) {
    lines[mode] = options.dead_modes[mode] == "close" ? "kill" : "mute";
    for (std::size_t k = 0; k < options.dead_sample; ++k) {
      DeadAgent agent;
      agent.index = order[agents.size()];
      agent.mode = mode;
      by_id[run.fleet.agent_ids[agent.index]] = agents.size();
      lines[mode] += " " + std::to_string(agent.index);
      agents.push_back(agent);
    }
    lines[mode] += "\n";
  }
  const auto summary_before = co_await probe.summary();
  const auto before = co_await probe.metrics();
  spdlog::info("dead: stopping {} agents per mode ({}), timeout {} s", options.dead_sample, options.dead_modes.size(),
               options.timeout_s);
  // Silent agents first: muted, each stops after the reply its command produces.
  for (std::size_t mode = 0; mode < lines.size(); ++mode) {
    if (options.dead_modes[mode] == "silent") run.workers.tell(lines[mode]);
  }
  const std::string command_target = "/_plugins/_command_manager/commands";
  ApiClient client(run.context.executor, run.context.endpoint, *run.context.credentials);
  for (const auto& agent : agents) {
    if (options.dead_modes[agent.mode] != "silent") continue;
    const std::string body = command_body(TargetType::agent, run.fleet.agent_ids[agent.index], options.order_timeout_s);
    const auto reply = co_await client.call(verb::post, command_target, body);
    if (reply.status != 200) throw std::runtime_error("single-agent command: HTTP " + std::to_string(reply.status));
  }
  const auto stopping_ns = monotonic_ns();

  // The closing agents die one by one over --dead-spread while the listing polls run, so that
  // their deaths fall at every phase of heraldd's liveness tick and of the listing period.
  std::vector<std::size_t> closing;
  for (const auto& agent : agents) {
    if (options.dead_modes[agent.mode] == "close") closing.push_back(agent.index);
  }
  const std::string statuses = "pending,disconnected";
  const auto give_up_ns =
      stopping_ns + static_cast<long long>((options.dead_spread_s + static_cast<double>(options.timeout_s) +
                                            options.detect_wait_s) * 1e9);
  std::size_t detected = 0, listings = 0, others_not_active_max = 0;
  std::vector<double> listing_ms;
  const std::function<awaitable<void>(std::size_t)> sides = [&](std::size_t side) -> awaitable<void> {
    if (side == 0) {
      const auto started = SteadyClock::now();
      for (std::size_t k = 0; k < closing.size(); ++k) {
        const auto due = started + std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(
                                       options.dead_spread_s * static_cast<double>(k) / static_cast<double>(closing.size())));
        if (due > SteadyClock::now()) co_await sleep_for(due - SteadyClock::now());
        const std::string line = "kill " + std::to_string(closing[k]) + "\n";
        run.workers.tell(line);
      }
      co_return;
    }
    // Poll the listing until every stopped agent is disconnected.
    while (detected < agents.size() && monotonic_ns() < give_up_ns) {
      const auto started_ns = monotonic_ns();
      const auto rows = co_await probe.agents_with_status(statuses);
      const auto answered_ns = monotonic_ns();
      ++listings;
      listing_ms.push_back(static_cast<double>(answered_ns - started_ns) / 1e6);
      std::size_t others = 0;
      std::vector<bool> disconnected_now(agents.size(), false);
      for (const auto& row : rows) {
        const auto found = by_id.find(row.id);
        if (found == by_id.end()) {
          ++others;
          continue;
        }
        auto& agent = agents[found->second];
        if (agent.pending_seen_ns == 0) agent.pending_seen_ns = answered_ns;
        if (row.status == "disconnected") {
          disconnected_now[found->second] = true;
          if (agent.disconnected_seen_ns == 0) {
            agent.disconnected_seen_ns = answered_ns;
            agent.disconnected_code = row.status_code;
            ++detected;
          }
        }
      }
      for (std::size_t k = 0; k < agents.size(); ++k) {
        if (!disconnected_now[k] && agents[k].disconnected_seen_ns == 0) agents[k].not_before_ns = started_ns;
      }
      others_not_active_max = std::max(others_not_active_max, others);
      co_await sleep_for(options.detect_poll);
    }
  };
  co_await run_concurrently(2, sides);
  // The workers' stop stamps arrived long before; bound the wait anyway.
  const std::function<bool()> all_stopped = [&] {
    for (const auto& agent : agents) {
      if (events.hung_up_ns[agent.index] == 0 && events.last_reply_ns[agent.index] == 0) return false;
    }
    return true;
  };
  if (!co_await wait_until(all_stopped, 10)) spdlog::warn("dead: not every sample agent reported that it stopped");
  for (auto& agent : agents) {
    agent.stopped_ns = std::max(events.hung_up_ns[agent.index], events.last_reply_ns[agent.index]);
  }
  const auto after = co_await probe.metrics();
  const auto summary_after = co_await probe.summary();

  json::object out;
  json::array modes;
  for (std::size_t mode = 0; mode < options.dead_modes.size(); ++mode) {
    modes.push_back(dead_mode_json(options.dead_modes[mode], agents, mode, options));
  }
  out["modes"] = std::move(modes);
  out["timeout_s"] = options.timeout_s;
  out["interval_s"] = options.interval_s;
  out["detect_poll_ms"] = options.detect_poll.count();
  out["dead_spread_s"] = options.dead_spread_s;
  out["listings"] = listings;
  out["listing"] = latency_json(listing_ms);
  // Every stopped agent goes active -> pending -> disconnected: two transitions each. More means
  // other agents changed status meanwhile.
  const double transitions = after.transitions - before.transitions;
  out["status_transitions"] = transitions;
  out["other_transitions"] = transitions - 2.0 * static_cast<double>(agents.size());
  out["other_agents_listed_not_active_max"] = others_not_active_max;
  out["summary_before"] = summary_before.to_json();
  out["summary_after"] = summary_after.to_json();
  for (const auto& mode : out["modes"].as_array()) {
    const auto& m = mode.as_object();
    spdlog::info("dead {}: {}/{} disconnected; detection - timeout p50 {} s, p99 {} s, max {} s",
                 json::serialize(m.at("mode")), json::serialize(m.at("disconnected")), json::serialize(m.at("sample")),
                 json::serialize(m.at("detection_minus_timeout").as_object().at("p50_s")),
                 json::serialize(m.at("detection_minus_timeout").as_object().at("p99_s")),
                 json::serialize(m.at("detection_minus_timeout").as_object().at("max_s")));
  }
  co_return out;
}

awaitable<void> keepalive_flow(FleetRun& run, const KeepaliveOptions& options) {
  const auto n = run.fleet.agent_ids.size();
  const pid_t pid = run.context.server_pid;
  auto& result = run.result;
  LivenessProbe probe(run.context);
  {
    const auto summary = co_await probe.summary();
    result["summary_enrolled"] = summary.to_json();
  }
  co_await authenticate_fleet(run, options.auth_spread_s);

  const auto rss_before_park = proc_status_kib(pid, "VmRSS");
  run.events.new_phase();
  run.workers.tell("report 0\npark\n");
  json::object parking;
  co_await park(run, "park", n, parking);
  result["park"] = std::move(parking);

  result["rest"] = co_await rest_step(run, options, probe, options.settle_s, options.rest_window_s, rss_before_park);

  json::array storms;
  for (const auto& mode : options.storms) {
    try {
      storms.push_back(co_await storm_step(run, options, probe, mode));
    } catch (const std::exception& error) {
      spdlog::error("storm {} failed: {}", mode, error.what());
      storms.push_back(json::object{{"mode", mode}, {"error", error.what()}});
    }
  }
  result["storms"] = std::move(storms);
  if (options.rest_after_storms_s > 0 && !options.storms.empty()) {
    // Every deadline a storm scheduled (a dropped poll's comes `timeout` later) has fired once
    // before this window starts, so it sees the steady state the storms left behind.
    const double settle = std::max(options.settle_s, static_cast<double>(options.timeout_s));
    result["rest_after_storms"] =
        co_await rest_step(run, options, probe, settle, options.rest_after_storms_s, rss_before_park);
  }

  if (!options.dead_modes.empty() && options.dead_sample > 0) result["dead_agents"] = co_await dead_step(run, options, probe);

  const auto& events = run.events;
  result["agent_errors"] = json::object{{"count", events.errors},
                                        {"samples", json::value_from(events.error_samples)},
                                        {"poll_timeouts_408", events.poll_timeouts}};
}

}  // namespace

int run_keepalive(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_keepalive_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const KeepaliveOptions options = *parsed;
  FleetCommand command;
  command.name = "keepalive";
  command.configure_server = [&options](SpawnOptions& spawn, json::object& server) {
    spawn.keepalive_interval_s = options.interval_s;
    spawn.keepalive_timeout_s = options.timeout_s;
    spawn.keepalive_flush_interval_s = options.flush_interval_s;
    // A replace storm holds the old polls and up to --storm-concurrency new connections at once.
    spawn.max_connections = std::max<std::size_t>(10'000, options.agents + 2 * options.storm_concurrency + 1'000);
    server["manager_keepalive"] = json::object{{"interval_s", options.interval_s},
                                               {"timeout_s", options.timeout_s},
                                               {"flush_interval_s", options.flush_interval_s}};
  };
  command.needs_group = std::find(options.storms.begin(), options.storms.end(), "orders") != options.storms.end();
  command.steps = [&options](FleetRun& run) { return keepalive_flow(run, options); };
  json::array storms, dead_modes;
  for (const auto& storm : options.storms) storms.emplace_back(storm);
  for (const auto& mode : options.dead_modes) dead_modes.emplace_back(mode);
  command.options = json::object{{"interval_s", options.interval_s},
                                 {"timeout_s", options.timeout_s},
                                 {"flush_interval_s", options.flush_interval_s},
                                 {"auth_spread_s", options.auth_spread_s},
                                 {"settle_s", options.settle_s},
                                 {"rest_after_storms_s", options.rest_after_storms_s},
                                 {"rest_window_s", options.rest_window_s},
                                 {"storms", std::move(storms)},
                                 {"storm_concurrency", options.storm_concurrency},
                                 {"storm_settle_s", options.storm_settle_s},
                                 {"dead_sample", options.dead_sample},
                                 {"dead_modes", std::move(dead_modes)},
                                 {"dead_spread_s", options.dead_spread_s},
                                 {"detect_poll_ms", options.detect_poll.count()}};
  return run_fleet_command(options, std::move(command));
}

}  // namespace herald::bench
