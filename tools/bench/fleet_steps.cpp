#include "fleet_steps.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "concurrency.h"
#include "latency_stats.h"
#include "spawned_server.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using SteadyClock = std::chrono::steady_clock;

awaitable<bool> wait_until(const std::function<bool()>& done, double limit_s) {
  const auto started = SteadyClock::now();
  while (!done()) {
    if (seconds_since(started) > limit_s) co_return false;
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  co_return true;
}

awaitable<bool> wait_server_quiet(pid_t pid, double limit_s) {
  if (pid <= 0) {
    co_await sleep_for(std::chrono::seconds(2));
    co_return true;
  }
  const auto started = SteadyClock::now();
  for (;;) {
    const double before = process_cpu_seconds(pid);
    co_await sleep_for(std::chrono::milliseconds(500));
    if (process_cpu_seconds(pid) - before < 0.025) co_return true;
    if (seconds_since(started) > limit_s) co_return false;
  }
}

awaitable<void> authenticate_fleet(FleetRun& run, double spread_s) {
  const auto n = run.fleet.agent_ids.size();
  auto& events = run.events;
  spdlog::info("auth: {} agents, {} in flight, spread over {} s", n, run.options.auth_concurrency, spread_s);
  const auto started = SteadyClock::now();
  events.new_auth_round();
  const std::string command = "auth " + std::to_string(static_cast<long>(spread_s * 1000)) + "\n";
  run.workers.tell(command);
  const std::function<bool()> done = [&] { return events.auth_reports == run.workers.size(); };
  co_await wait_until(done, 600 + spread_s);
  const double seconds = seconds_since(started);
  run.result["auth"] = json::object{{"ok", events.auth_ok},
                                    {"failed", events.auth_failed},
                                    {"seconds", round3(seconds)},
                                    {"spread_s", spread_s},
                                    {"per_s", round3(static_cast<double>(events.auth_ok) / seconds)}};
  spdlog::info("auth: {} ok, {} failed in {:.2f} s", events.auth_ok, events.auth_failed, seconds);
  if (events.auth_ok != n) throw std::runtime_error("not every agent could authenticate");
}

awaitable<void> park(FleetRun& run, const char* what, std::size_t expected, json::object& out) {
  const auto started = SteadyClock::now();
  const std::function<bool()> all_written = [&] { return run.events.written >= expected; };
  const bool written = co_await wait_until(all_written, run.options.park_wait_s);
  const double written_s = seconds_since(started);
  const bool quiet = co_await wait_server_quiet(run.context.server_pid, run.options.park_wait_s);
  out["polls_written"] = run.events.written;
  out["all_written_s"] = round3(written_s);
  out["parked_s"] = round3(seconds_since(started));
  out["server_quiet"] = quiet;
  spdlog::info("{}: {}/{} polls written in {:.2f} s, server quiet after {:.2f} s", what, run.events.written, expected,
               written_s, seconds_since(started));
  if (!written) throw std::runtime_error(std::string(what) + ": not every poll was sent in time");
}

json::object latency_json(std::vector<double>& samples_ms) {
  json::object out;
  auto summary = summarize(samples_ms);
  out["count"] = summary.count;
  put_summary(out, summary, "_ms");
  return out;
}

}  // namespace herald::bench
