// herald-bench fleet: the coordinator. It sets the fleet up over the management API, forks the
// agent worker processes (fleet_worker.cpp), steers them over pipes, sends the commands and turns
// the workers' CLOCK_MONOTONIC stamps into latencies.
#include "fleet_bench.h"

// g++ 12 false positive: once the fleet_flow coroutine's ramp is inlined into run_fleet, it pairs
// asio's aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "api_client.h"
#include "bench_context.h"
#include "commands.h"
#include "concurrency.h"
#include "fleet.h"
#include "fleet_options.h"
#include "fleet_worker.h"
#include "latency_stats.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
namespace fs = std::filesystem;
using asio::awaitable;
using asio::ip::tcp;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

long long monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}

// VmRSS (or another "Vm..." line) of /proc/PID/status in KiB; -1 if unknown.
long long proc_status_kib(pid_t pid, const std::string& field) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      long long kib = -1;
      fields >> kib;
      return kib;
    }
  }
  return -1;
}

long long open_fds(pid_t pid) {
  if (pid <= 0) return -1;
  std::error_code ec;
  long long count = 0;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end; it.increment(ec)) {
    ++count;
  }
  return ec ? -1 : count;
}

double mib(long long kib) { return round3(static_cast<double>(kib) / 1024.0); }

struct Worker {
  pid_t pid = -1;
  int to_worker = -1;    // its commands
  int from_worker = -1;  // its events
};

// What the workers reported, as the coordinator's single io thread saw it.
struct Events {
  explicit Events(std::size_t agents) : received_ns(agents, 0), result_ns(agents, 0) {}

  void new_phase() {
    std::fill(received_ns.begin(), received_ns.end(), 0);
    std::fill(result_ns.begin(), result_ns.end(), 0);
    received = results = written = duplicates = result_failures = 0;
    result_post_ms.clear();
  }

  std::vector<long long> received_ns;  // first poll 200 of the phase, per agent; 0: none yet
  std::size_t received = 0;
  std::size_t duplicates = 0;          // further 200s in the same phase
  std::size_t commands_received = 0;   // over the whole run
  std::vector<long long> result_ns;
  std::size_t results = 0;
  std::size_t result_failures = 0;     // result POSTs not answered 200
  std::vector<double> result_post_ms;
  std::size_t written = 0;             // poll requests written in this phase
  std::size_t auth_reports = 0, auth_ok = 0, auth_failed = 0;
  std::size_t poll_timeouts = 0;       // 408s
  std::size_t errors = 0;
  std::vector<std::string> error_samples;
  std::size_t redelivered = 0;  // orders an agent received a second time (whole run)
  std::vector<std::string> redelivered_samples;
  // single-agent step: the one agent being watched
  std::size_t watched = SIZE_MAX;
  long long watched_received_ns = 0;
  bool watched_repolled = false;
};

void handle_event(Events& events, const std::string& line) {
  std::istringstream in(line);
  char kind = 0;
  in >> kind;
  if (kind == 'X') {
    ++events.errors;
    if (events.error_samples.size() < 10) events.error_samples.push_back(line.substr(2));
    if (events.errors <= 5 || events.errors % 1000 == 0) spdlog::warn("agent error #{}: {}", events.errors, line.substr(2));
    return;
  }
  if (kind == 'D') {
    ++events.redelivered;
    if (events.redelivered_samples.size() < 10) events.redelivered_samples.push_back(line.substr(2));
    return;
  }
  if (kind == 'A') {
    std::size_t ok = 0, failed = 0;
    in >> ok >> failed;
    events.auth_ok += ok;
    events.auth_failed += failed;
    ++events.auth_reports;
    return;
  }
  std::size_t agent = 0;
  in >> agent;
  if (agent >= events.received_ns.size()) return;
  if (kind == 'W') {
    ++events.written;
    if (agent == events.watched && events.watched_received_ns != 0) events.watched_repolled = true;
  } else if (kind == 'T') {
    ++events.poll_timeouts;
  } else if (kind == 'R') {
    long long ns = 0;
    std::size_t commands = 0;
    in >> ns >> commands;
    events.commands_received += commands;
    if (agent == events.watched && events.watched_received_ns == 0) events.watched_received_ns = ns;
    if (events.received_ns[agent] == 0) {
      events.received_ns[agent] = ns;
      ++events.received;
    } else {
      ++events.duplicates;
    }
  } else if (kind == 'P') {
    long long ns = 0, micros = 0;
    unsigned status = 0;
    in >> ns >> status >> micros;
    if (status != 200) ++events.result_failures;
    events.result_post_ms.push_back(static_cast<double>(micros) / 1000.0);
    if (events.result_ns[agent] == 0) {
      events.result_ns[agent] = ns;
      ++events.results;
    }
  }
}

awaitable<void> read_events(int fd, Events& events) {
  asio::posix::stream_descriptor input(co_await asio::this_coro::executor, fd);
  std::string buffer;
  for (;;) {
    boost::system::error_code ec;
    const auto length = co_await asio::async_read_until(input, asio::dynamic_buffer(buffer), '\n',
                                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const std::string line = buffer.substr(0, length - 1);
    buffer.erase(0, length);
    handle_event(events, line);
  }
}

void tell(const std::vector<Worker>& workers, const std::string& line) {
  for (const auto& worker : workers) {
    const char* data = line.data();
    std::size_t left = line.size();
    while (left > 0) {
      const auto written = ::write(worker.to_worker, data, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("a fleet worker is gone");
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
  }
}

// Waits (checking every millisecond) until `done()`; false when `limit_s` passed first.
awaitable<bool> wait_until(const std::function<bool()>& done, double limit_s) {
  const auto started = SteadyClock::now();
  while (!done()) {
    if (seconds_since(started) > limit_s) co_return false;
    co_await sleep_for(std::chrono::milliseconds(1));
  }
  co_return true;
}

// Waits until heraldd uses < 5% of a core over 0.5 s (its parked polls are all in place);
// false when `limit_s` passed first. Without a pid, just waits 2 s.
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

double workers_cpu_seconds(const std::vector<Worker>& workers) {
  double total = 0;
  for (const auto& worker : workers) total += std::max(0.0, process_cpu_seconds(worker.pid));
  return total;
}

json::object latency_json(std::vector<double>& samples_ms) {
  json::object out;
  auto summary = summarize(samples_ms);
  out["count"] = summary.count;
  put_summary(out, summary, "_ms");
  return out;
}

struct Run {
  const FleetOptions& options;
  BenchContext context;
  Fleet& fleet;
  std::vector<Worker>& workers;
  Events events;
  json::object& result;
};

awaitable<void> park(Run& run, const char* what, json::object& out) {
  const auto n = run.fleet.agent_ids.size();
  const auto started = SteadyClock::now();
  const std::function<bool()> all_written = [&] { return run.events.written >= n; };
  const bool written = co_await wait_until(all_written, run.options.park_wait_s);
  const double written_s = seconds_since(started);
  const bool quiet = co_await wait_server_quiet(run.context.server_pid, run.options.park_wait_s);
  out["polls_written"] = run.events.written;
  out["all_written_s"] = round3(written_s);
  out["parked_s"] = round3(seconds_since(started));
  out["server_quiet"] = quiet;
  spdlog::info("{}: {}/{} polls written in {:.2f} s, server quiet after {:.2f} s", what, run.events.written, n,
               written_s, seconds_since(started));
  if (!written) throw std::runtime_error(std::string(what) + ": not every poll was sent in time");
}

awaitable<void> fleet_flow(Run& run) {
  const auto& options = run.options;
  const auto n = run.fleet.agent_ids.size();
  const pid_t pid = run.context.server_pid;
  auto& events = run.events;
  auto& result = run.result;
  for (const auto& worker : run.workers) {
    asio::co_spawn(run.context.executor, read_events(worker.from_worker, events), asio::detached);
  }
  ApiClient client(run.context.executor, run.context.endpoint, *run.context.credentials);

  // auth
  {
    spdlog::info("auth: {} agents, {} in flight", n, options.auth_concurrency);
    const auto started = SteadyClock::now();
    tell(run.workers, "auth\n");
    const std::function<bool()> done = [&] { return events.auth_reports == run.workers.size(); };
    co_await wait_until(done, 600);
    const double seconds = seconds_since(started);
    result["auth"] = json::object{{"ok", events.auth_ok}, {"failed", events.auth_failed},
                                  {"seconds", round3(seconds)}, {"per_s", round3(events.auth_ok / seconds)}};
    spdlog::info("auth: {} ok, {} failed in {:.2f} s", events.auth_ok, events.auth_failed, seconds);
    if (events.auth_ok != n) throw std::runtime_error("not every agent could authenticate");
  }

  // park + idle
  {
    json::object idle;
    const auto rss_before = proc_status_kib(pid, "VmRSS");
    const auto fds_before = open_fds(pid);
    events.new_phase();
    tell(run.workers, "report 0\npark\n");
    json::object parking;
    co_await park(run, "park", parking);
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
    const double workers_cpu_before = workers_cpu_seconds(run.workers);
    events.new_phase();
    tell(run.workers, "report 1\n");
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
    group["workers_cpu_s"] = round3(workers_cpu_seconds(run.workers) - workers_cpu_before);
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
    co_await park(run, "re-park", reparking);
    tell(run.workers, "report 0\n");
    single["repark"] = std::move(reparking);
    single["loadavg_1m_before"] = load_average_1m();
    ScenarioMeter meter(run.context);
    const double workers_cpu_before = workers_cpu_seconds(run.workers);
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
    single["workers_cpu_s"] = round3(workers_cpu_seconds(run.workers) - workers_cpu_before);
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

awaitable<void> setup_flow(const BenchContext& context, const FleetOptions& options, Fleet& fleet,
                           json::object& setup) {
  {
    HttpConnection connection(context.executor, context.endpoint);
    co_await context.credentials->login(connection);
  }
  spdlog::info("setup: enrolling {} agents over {} connections", options.agents, options.setup_connections);
  co_await enroll_agents(context, fleet, options.agents, options.setup_connections);
  co_await create_fleet_group(context, fleet, options.setup_connections);
  setup["agents"] = options.agents;
  setup["group"] = fleet.group;
  setup["enroll_s"] = round3(fleet.enroll_seconds);
  setup["assign_s"] = round3(fleet.assign_seconds);
}

}  // namespace

int run_fleet(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_fleet_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const auto& options = *parsed;

  json::object result{{"command", "fleet"}};
  std::unique_ptr<SpawnedServer> server;
  std::string url = options.url;
  std::string comms_url = options.comms_url;
  std::string password = options.password;
  try {
    if (url.empty()) {
      SpawnOptions spawn = spawn_options(options, password);
      spawn.comms_poll_timeout_s = options.poll_timeout_s;
      spawn.max_connections = std::max<std::size_t>(10'000, options.agents + 2'000);
      server = std::make_unique<SpawnedServer>(spawn);
      url = server->management_url();
      comms_url = server->comms_url();
      result["server"] = json::object{{"spawned", spawn.heraldd.string()}, {"url", url},          {"comms_url", comms_url},
                                      {"pid", server->pid()},              {"poll_timeout_s", options.poll_timeout_s},
                                      {"max_connections", spawn.max_connections}};
    } else {
      result["server"] = json::object{{"url", url}, {"comms_url", comms_url}};
    }
  } catch (const std::exception& error) {
    std::cerr << "herald-bench fleet: " << error.what() << "\n";
    return 1;
  }
  const pid_t server_pid = server ? server->pid() : -1;
  result["machine"] = json::object{{"nproc", std::thread::hardware_concurrency()},
                                   {"loadavg_1m_at_start", load_average_1m()}};
  result["options"] = json::object{{"agents", options.agents},
                                   {"workers", options.workers},
                                   {"source_addresses", options.source_addresses},
                                   {"repoll_delay_ms", options.repoll_delay_ms},
                                   {"auth_concurrency", options.auth_concurrency},
                                   {"park_concurrency", options.park_concurrency}};

  Credentials credentials(options.user, password);
  Fleet fleet;
  int code = 0;
  std::vector<Worker> workers;
  try {
    // 1. Setup over the management API, in an io_context that is gone before the workers fork.
    {
      json::object setup;
      setup["server_rss_at_start_mib"] = mib(proc_status_kib(server_pid, "VmRSS"));
      asio::io_context io;
      BenchContext context{io.get_executor(), parse_http_url(url), &credentials, server_pid};
      std::exception_ptr failure;
      asio::co_spawn(io, setup_flow(context, options, fleet, setup), [&](std::exception_ptr error) { failure = error; });
      io.run();
      if (failure) std::rethrow_exception(failure);
      setup["server_rss_after_setup_mib"] = mib(proc_status_kib(server_pid, "VmRSS"));
      result["setup"] = std::move(setup);
    }

    // 2. Fork the agent workers.
    const auto comms = parse_http_url(comms_url);
    tcp::endpoint server_endpoint;
    {
      asio::io_context resolve_io;
      tcp::resolver resolver(resolve_io);
      server_endpoint = *resolver.resolve(comms.host, comms.port).begin();
    }
    std::vector<asio::ip::address> sources;
    if (server_endpoint.address().is_v4() && server_endpoint.address().to_v4().to_bytes()[0] == 127) {
      for (std::size_t k = 1; k <= options.source_addresses; ++k) {
        sources.push_back(asio::ip::make_address_v4("127.0.0." + std::to_string(k)));
      }
    }
    std::cout.flush();
    std::cerr.flush();
    const auto per_worker = (options.agents + options.workers - 1) / options.workers;
    for (std::size_t w = 0; w < options.workers; ++w) {
      const auto first = w * per_worker;
      const auto last = std::min(options.agents, first + per_worker);
      int down[2], up[2];
      if (::pipe(down) != 0 || ::pipe(up) != 0) throw std::runtime_error("pipe failed");
      const pid_t child = ::fork();
      if (child < 0) throw std::runtime_error("fork failed");
      if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the coordinator
        for (const auto& other : workers) {
          ::close(other.to_worker);
          ::close(other.from_worker);
        }
        ::close(down[1]);
        ::close(up[0]);
        WorkerConfig config;
        config.first_index = first;
        config.ids.assign(fleet.agent_ids.begin() + static_cast<long>(first), fleet.agent_ids.begin() + static_cast<long>(last));
        config.keys.assign(fleet.agent_keys.begin() + static_cast<long>(first), fleet.agent_keys.begin() + static_cast<long>(last));
        config.server = server_endpoint;
        config.host = comms.host;
        config.sources = sources;
        config.auth_concurrency = std::max<std::size_t>(1, options.auth_concurrency / options.workers);
        config.park_concurrency = std::max<std::size_t>(1, options.park_concurrency / options.workers);
        config.repoll_delay_ms = options.repoll_delay_ms;
        config.in_fd = down[0];
        config.out_fd = up[1];
        run_worker(std::move(config));
      }
      ::close(down[0]);
      ::close(up[1]);
      workers.push_back(Worker{child, down[1], up[0]});
      spdlog::info("worker {} (pid {}): agents {}..{}", w, child, first, last - 1);
    }

    // 3. Drive them.
    asio::io_context io;
    Run run{options, BenchContext{io.get_executor(), parse_http_url(url), &credentials, server_pid}, fleet, workers,
            Events(options.agents), result};
    std::exception_ptr failure;
    asio::co_spawn(io, fleet_flow(run), [&](std::exception_ptr error) {
      failure = error;
      io.stop();
    });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    spdlog::error("fleet failed: {}", error.what());
    result["error"] = error.what();
    code = 1;
  }
  for (const auto& worker : workers) {
    const std::string quit = "quit\n";
    [[maybe_unused]] auto ignored = ::write(worker.to_worker, quit.data(), quit.size());
    ::close(worker.to_worker);
  }
  for (const auto& worker : workers) {
    int status = 0;
    ::waitpid(worker.pid, &status, 0);
    ::close(worker.from_worker);
  }
  if (server) {
    if (auto ended = server->ended()) {
      spdlog::error("heraldd {} during the run; its data dir and log are kept in {}", *ended,
                    server->data_dir().string());
      result["server_ended"] = *ended;
      code = 1;
    }
  }
  server.reset();
  std::cout << json::serialize(result) << std::endl;
  return code;
}

}  // namespace herald::bench
