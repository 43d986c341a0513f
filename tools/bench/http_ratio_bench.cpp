#include "http_ratio_bench.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "api_client.h"
#include "bench_context.h"
#include "http_load_generator.h"
#include "http_ratio_agent.h"
#include "http_ratio_options.h"
#include "http_ratio_report.h"
#include "http_ratio_targets.h"
#include "nginx_process.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;

namespace {

// Runs `flow` on `io` until it completes; its value, or its exception rethrown.
template <class T>
T run_to_completion(asio::io_context& io, asio::awaitable<T> flow) {
  std::optional<T> value;
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(flow), [&](std::exception_ptr error, T result) {
    failure = error;
    if (!error) value = std::move(result);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*value);
}

tcp::endpoint endpoint_of(const std::string& url) {
  const auto parts = parse_http_url(url);
  return {asio::ip::make_address(parts.host), static_cast<unsigned short>(std::stoul(parts.port))};
}

json::array load_averages() {
  std::ifstream in("/proc/loadavg");
  double one = -1, five = -1, fifteen = -1;
  in >> one >> five >> fifteen;
  return json::array{one, five, fifteen};
}

// The servers of a run and the agent whose token the authenticated targets carry.
struct RatioServers {
  std::unique_ptr<SpawnedServer> heraldd;  // null when attached (--url) or not needed
  std::unique_ptr<NginxProcess> nginx;     // null without the nginx target
  RatioListeners listeners;
  std::string management_url;
  pid_t heraldd_pid = -1;
  RatioAgent agent;
};

bool wants(const HttpRatioOptions& options, std::string_view target) {
  return std::find(options.targets.begin(), options.targets.end(), target) != options.targets.end();
}

void start_servers(const HttpRatioOptions& options, std::string& password, RatioServers& servers,
                   json::object& result) {
  if (wants(options, "nginx")) {
    NginxOptions nginx;
    nginx.binary = options.nginx;
    nginx.worker_processes = options.nginx_workers;
    nginx.keep_dir = options.keep_data_dir;
    servers.nginx = std::make_unique<NginxProcess>(nginx);
    servers.listeners.nginx = tcp::endpoint(asio::ip::make_address("127.0.0.1"), servers.nginx->port());
    result["nginx"] = json::object{{"binary", options.nginx},
                                   {"pid", servers.nginx->master_pid()},
                                   {"port", servers.nginx->port()},
                                   {"worker_processes", options.nginx_workers},
                                   {"workers", servers.nginx->pids().size() - 1}};
  }
  const bool needs_heraldd = std::any_of(options.targets.begin(), options.targets.end(),
                                         [](const std::string& target) { return target != "nginx"; });
  if (!needs_heraldd) return;
  std::string comms_url = options.comms_url;
  servers.management_url = options.url;
  if (options.url.empty()) {
    SpawnOptions spawn = spawn_options(options, password);
    spawn.threads = options.server_threads;
    servers.heraldd = std::make_unique<SpawnedServer>(spawn);
    servers.management_url = servers.heraldd->management_url();
    comms_url = servers.heraldd->comms_url();
    servers.heraldd_pid = servers.heraldd->pid();
    result["server"] = json::object{{"spawned", spawn.heraldd.string()},
                                    {"url", servers.management_url},
                                    {"comms_url", comms_url},
                                    {"pid", servers.heraldd_pid},
                                    {"threads", options.server_threads}};
  } else {
    result["server"] = json::object{{"url", servers.management_url}, {"comms_url", comms_url}};
  }
  servers.listeners.management = endpoint_of(servers.management_url);
  servers.listeners.comms = endpoint_of(comms_url);
}

// CPU seconds the server behind `target` has used so far; -1 when unknown.
double server_cpu_seconds(const RatioServers& servers, std::string_view target) {
  if (target == "nginx") {
    double total = 0;
    for (const pid_t pid : servers.nginx->pids()) total += std::max(0.0, process_cpu_seconds(pid));
    return total;
  }
  return servers.heraldd_pid > 0 ? process_cpu_seconds(servers.heraldd_pid) : -1;
}

void check_servers_alive(RatioServers& servers) {
  if (servers.heraldd) {
    if (auto ended = servers.heraldd->ended()) throw std::runtime_error("heraldd " + *ended);
  }
  if (servers.nginx && !servers.nginx->running()) throw std::runtime_error("nginx ended during the run");
}

RoundFigures measure_target(RatioServers& servers, const LoadShape& shape, const std::string& target) {
  std::string authorization;
  if (ratio_target_needs_agent(target)) {
    // A fresh token each time, so a long run never sends an expired one (they last 900 s).
    asio::io_context io;
    authorization =
        run_to_completion(io, authenticate_ratio_agent(io.get_executor(), servers.listeners.comms, servers.agent));
  }
  const auto load = ratio_load_target(target, servers.listeners, servers.agent, authorization);
  double server_start = -1, server_end = -1, client_start = 0, client_end = 0;
  auto result = run_load(
      load, shape,
      [&] {
        server_start = server_cpu_seconds(servers, target);
        client_start = self_cpu_seconds();
      },
      [&] {
        server_end = server_cpu_seconds(servers, target);
        client_end = self_cpu_seconds();
      });
  const double server_cpu = server_start >= 0 && server_end >= 0 ? server_end - server_start : -1;
  return round_figures(result, server_cpu, client_end - client_start);
}

// Fills `figures` as it goes, so a failure midway still leaves the rounds done so far.
void run_rounds(const HttpRatioOptions& options, RatioServers& servers, std::vector<TargetFigures>& figures) {
  LoadShape shape;
  shape.threads = options.threads;
  shape.connections = options.connections;
  shape.warmup = std::chrono::duration<double>(options.warmup_s);
  shape.duration = std::chrono::duration<double>(options.duration_s);
  for (const auto& name : options.targets) figures.push_back(TargetFigures{name, {}});
  for (std::size_t round = 1; round <= options.rounds; ++round) {
    for (auto& target : figures) {
      check_servers_alive(servers);
      spdlog::info("round {}/{}: {} for {}+{} s (load average {:.2f})", round, options.rounds,
                   ratio_target_request_line(target.name), options.warmup_s, options.duration_s, load_average_1m());
      target.rounds.push_back(measure_target(servers, shape, target.name));
      const auto& figures_now = target.rounds.back();
      spdlog::info("  {:.0f} req/s, p50 {:.3f} ms, p99 {:.3f} ms, {} errors", figures_now.requests_per_s,
                   figures_now.latency.p50, figures_now.latency.p99, figures_now.errors);
    }
  }
  check_servers_alive(servers);
}

}  // namespace

int run_http_ratio(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_http_ratio_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const auto& options = *parsed;

  json::object result{{"command", "http-ratio"},
                      {"threads", options.threads},
                      {"connections", options.connections},
                      {"rounds", options.rounds},
                      {"warmup_s", options.warmup_s},
                      {"duration_s", options.duration_s}};
  result["machine"] = json::object{{"nproc", std::thread::hardware_concurrency()}, {"loadavg_before", load_averages()}};
  std::string password = options.password;
  RatioServers servers;
  std::vector<TargetFigures> figures;
  int code = 0;
  try {
    start_servers(options, password, servers, result);
    Credentials credentials(options.user, password);
    if (wants(options, "files") || wants(options, "stateless")) {
      spdlog::info("setup: one agent in a group with a configuration");
      asio::io_context io;
      BenchContext context{io.get_executor(), parse_http_url(servers.management_url), &credentials,
                           servers.heraldd_pid};
      servers.agent = run_to_completion(io, prepare_ratio_agent(context));
      result["agent"] = json::object{{"id", servers.agent.id}, {"group", servers.agent.group}};
    }
    run_rounds(options, servers, figures);
  } catch (const std::exception& error) {
    spdlog::error("http-ratio failed: {}", error.what());
    result["error"] = error.what();
    code = 1;
  }
  result["targets"] = targets_json(figures);
  if (!figures.empty()) log_ratio_table(figures);
  servers.nginx.reset();
  result["machine"].as_object()["loadavg_after"] = load_averages();
  return stop_server_and_report(std::move(servers.heraldd), result, code);
}

}  // namespace herald::bench
