#include "analysis_bench.h"

#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "analysis/analyzer.h"
#include "analysis/ruleset.h"
#include "analysis_events.h"
#include "analysis_options.h"
#include "app/default_ruleset.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "engine/analysis_service.h"
#include "latency_stats.h"
#include "process_stats.h"

namespace herald::bench {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// The analyzers' clock: a fixed start and 10,000 events a second, so frequency windows see the
// same stream in every round.
constexpr std::int64_t kEventsPerSimulatedSecond = 10'000;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// CPU time of the calling thread: what a round cost, whatever else the shared machine ran.
double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

json::array rounded(const std::vector<double>& values) {
  json::array out;
  for (double v : values) out.push_back(std::round(v));
  return out;
}

std::optional<std::shared_ptr<const analysis::Ruleset>> load_ruleset(const AnalysisBenchOptions& options,
                                                                     json::object& out) {
  analysis::RulesetSources sources;
  if (options.default_ruleset) analysis::add_embedded(sources, app::default_ruleset_files(), "herald", {});
  for (const auto& directory : options.ruleset_dirs) {
    if (auto added = analysis::add_directory(sources, directory, {}); !added) {
      std::cerr << "herald-bench analysis: " << added.error().message << "\n";
      return std::nullopt;
    }
  }
  analysis::LoadWarnings warnings;
  const auto start = Clock::now();
  auto ruleset = analysis::Ruleset::load(sources, warnings);
  if (!ruleset) {
    std::cerr << "herald-bench analysis: " << ruleset.error().message << "\n";
    return std::nullopt;
  }
  json::array dirs;
  for (const auto& d : options.ruleset_dirs) dirs.emplace_back(d);
  out = {{"default_ruleset", options.default_ruleset},
         {"dirs", dirs},
         {"decoders", (*ruleset)->decoders().decoders().size()},
         {"rules", (*ruleset)->rules().size()},
         {"load_ms", round3(seconds_since(start) * 1e3)}};
  return *ruleset;
}

struct RoundResult {
  double seconds = 0;
  double cpu_seconds = 0;
  std::size_t alerts = 0;
};

// One analyzer over `indices` of `events`, as one heraldd worker.
RoundResult analyse_share(const std::shared_ptr<const analysis::Ruleset>& ruleset,
                          const std::vector<BenchEvent>& events, const std::vector<std::uint32_t>& indices,
                          std::int64_t base_seconds) {
  analysis::Analyzer analyzer(ruleset, {.manager_name = "bench"});
  RoundResult result;
  const auto start = Clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (const std::uint32_t i : indices) {
    const auto& e = events[i];
    const analysis::RawEvent raw{e.agent_id, e.agent_name, "any", '1', e.location, e.message};
    if (analyzer.analyze(raw, base_seconds + static_cast<std::int64_t>(i) / kEventsPerSimulatedSecond)) ++result.alerts;
  }
  result.seconds = seconds_since(start);
  result.cpu_seconds = thread_cpu_seconds() - cpu_start;
  return result;
}

json::object one_core(const std::shared_ptr<const analysis::Ruleset>& ruleset, const std::vector<BenchEvent>& events,
                      const AnalysisBenchOptions& options, std::int64_t base_seconds) {
  std::vector<std::uint32_t> all(events.size());
  for (std::uint32_t i = 0; i < all.size(); ++i) all[i] = i;
  std::vector<double> rates, cpu_rates;
  std::size_t alerts = 0;
  for (std::size_t round = 0; round < options.rounds; ++round) {
    const auto result = analyse_share(ruleset, events, all, base_seconds);
    rates.push_back(static_cast<double>(events.size()) / result.seconds);
    cpu_rates.push_back(static_cast<double>(events.size()) / result.cpu_seconds);
    alerts = result.alerts;
    spdlog::info("one core, round {}: {:.0f} events/s, {:.0f} per CPU-second", round + 1, rates.back(),
                 cpu_rates.back());
  }
  const double rate = median(rates);
  const double cpu_rate = median(cpu_rates);
  return {{"events_per_s", std::round(rate)},
          {"events_per_cpu_s", std::round(cpu_rate)},
          {"us_cpu_per_event", round3(1e6 / cpu_rate)},
          {"rounds_events_per_s", rounded(rates)},
          {"rounds_events_per_cpu_s", rounded(cpu_rates)},
          {"alerts_per_round", alerts},
          {"alert_fraction", round3(static_cast<double>(alerts) / static_cast<double>(events.size()))}};
}

json::object all_cores(const std::shared_ptr<const analysis::Ruleset>& ruleset, const std::vector<BenchEvent>& events,
                       const AnalysisBenchOptions& options, std::size_t threads, std::int64_t base_seconds,
                       double& rate_out) {
  std::vector<std::vector<std::uint32_t>> shares(threads);
  for (std::uint32_t i = 0; i < events.size(); ++i) shares[bench_partition(options.mix, i, threads)].push_back(i);
  std::vector<double> rates, cpu_rates;
  for (std::size_t round = 0; round < options.rounds; ++round) {
    std::barrier start_line(static_cast<std::ptrdiff_t>(threads) + 1);
    std::vector<std::thread> workers;
    std::vector<double> cpu(threads, 0);
    for (std::size_t t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        start_line.arrive_and_wait();
        cpu[t] = analyse_share(ruleset, events, shares[t], base_seconds).cpu_seconds;
      });
    }
    start_line.arrive_and_wait();
    const auto start = Clock::now();
    for (auto& w : workers) w.join();
    rates.push_back(static_cast<double>(events.size()) / seconds_since(start));
    double cpu_total = 0;
    for (double c : cpu) cpu_total += c;
    cpu_rates.push_back(static_cast<double>(events.size()) / cpu_total);
    spdlog::info("{} threads, round {}: {:.0f} events/s, {:.0f} per CPU-second", threads, round + 1, rates.back(),
                 cpu_rates.back());
  }
  rate_out = median(rates);
  return {{"threads", threads},
          {"events_per_s", std::round(rate_out)},
          {"events_per_s_per_thread", std::round(rate_out / static_cast<double>(threads))},
          {"events_per_cpu_s", std::round(median(cpu_rates))},
          {"rounds_events_per_s", rounded(rates)}};
}

// heraldd's own path: AnalysisService (bounded queues, one worker per thread, agents pinned),
// fed at `rate` events/s in 1 ms steps; latency from submit to the alert handler.
json::object paced_latency(const std::shared_ptr<const analysis::Ruleset>& ruleset, const AnalysisBenchOptions& options,
                           std::size_t threads, double rate) {
  const auto total = static_cast<std::size_t>(rate * options.latency_seconds);
  std::vector<std::int64_t> submitted_ns(total, 0);
  std::mutex samples_mutex;
  std::vector<double> samples_ms;
  samples_ms.reserve(total);
  std::atomic<std::size_t> unmatched{0};
  const auto on_alert = [&](const analysis::AlertRecord& alert) {
    const long long now = monotonic_ns();
    const auto index = bench_event_index(alert.json);
    if (!index || *index >= total) {
      unmatched.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const double ms = static_cast<double>(now - submitted_ns[*index]) / 1e6;
    std::lock_guard lock(samples_mutex);
    samples_ms.push_back(ms);
  };
  core::SystemClock clock;
  core::MetricsRegistry metrics;
  engine::AnalysisService service({.workers = threads, .analyzer = {.manager_name = "bench"}}, ruleset, on_alert, clock,
                                  metrics);
  service.start();
  // Generated ahead so the pacing loop only submits.
  std::vector<BenchEvent> events;
  events.reserve(total);
  for (std::size_t i = 0; i < total; ++i) events.push_back(make_bench_event(options.mix, i));
  const auto start = Clock::now();
  std::size_t next = 0;
  while (next < total) {
    const auto due = std::min(total, static_cast<std::size_t>(seconds_since(start) * rate) + 1);
    std::vector<engine::AnalysisInput> batch;
    const long long now = monotonic_ns();
    for (; next < due; ++next) {
      auto& e = events[next];
      submitted_ns[next] = now;
      engine::AnalysisInput input;
      input.agent_id = std::move(e.agent_id);
      input.agent_name = std::move(e.agent_name);
      input.agent_ip = "any";
      input.location = std::move(e.location);
      input.message = std::move(e.message);
      batch.push_back(std::move(input));
    }
    if (!batch.empty()) service.submit(std::move(batch));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double submit_seconds = seconds_since(start);
  // The bound: every queue drained (dropped events are never processed, so count them as done).
  const auto drain_deadline = Clock::now() + std::chrono::seconds(60);
  while (service.queued() > 0 && Clock::now() < drain_deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  service.stop();
  std::lock_guard lock(samples_mutex);
  json::object out{{"workers", threads},
                   {"rate_events_per_s", std::round(rate)},
                   {"achieved_events_per_s", std::round(static_cast<double>(total) / submit_seconds)},
                   {"submitted", total},
                   {"analysed", service.analysed()},
                   {"alerts_timed", samples_ms.size()},
                   {"alerts_unmatched", unmatched.load()}};
  put_summary(out, summarize(samples_ms), "_ms");
  return out;
}

}  // namespace

int run_analysis(int argc, char** argv) {
  bool help_shown = false;
  const auto options = parse_analysis_options(argc, argv, help_shown);
  if (!options) return help_shown ? 0 : 2;
  const std::size_t threads =
      options->threads > 0 ? options->threads : std::max<std::size_t>(1, std::thread::hardware_concurrency());

  json::object ruleset_json;
  const auto ruleset = load_ruleset(*options, ruleset_json);
  if (!ruleset) return 1;
  const long long rss_loaded = proc_status_kib(::getpid(), "VmRSS");
  spdlog::info("ruleset: {} decoders, {} rules, loaded in {} ms", ruleset_json.at("decoders").as_uint64(),
               ruleset_json.at("rules").as_uint64(), ruleset_json.at("load_ms").as_double());

  std::vector<BenchEvent> events;
  events.reserve(options->events);
  for (std::size_t i = 0; i < options->events; ++i) events.push_back(make_bench_event(options->mix, i));
  const std::int64_t base_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();

  json::object out{{"command", "analysis"},
                   {"ruleset", ruleset_json},
                   {"events_per_round", options->events},
                   {"agents", options->mix.agents},
                   {"hardware_threads", std::thread::hardware_concurrency()}};
  out["one_core"] = one_core(*ruleset, events, *options, base_seconds);
  double rate = 0;
  out["all_cores"] = all_cores(*ruleset, events, *options, threads, base_seconds, rate);
  events.clear();
  events.shrink_to_fit();
  const bool fixed_rate = options->latency_rate > 0;
  out["latency"] = paced_latency(*ruleset, *options, threads, fixed_rate ? options->latency_rate : rate * options->load_fraction);
  if (!fixed_rate) out["latency"].as_object()["load_fraction"] = options->load_fraction;
  out["memory"] = {{"rss_after_load_mib", mib(rss_loaded)},
                   {"rss_after_runs_mib", mib(proc_status_kib(::getpid(), "VmRSS"))},
                   {"peak_rss_mib", mib(proc_status_kib(::getpid(), "VmHWM"))}};
  std::cout << json::serialize(out) << "\n";
  return 0;
}

}  // namespace herald::bench
