#include "fleet_harness.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>

#include "api_client.h"
#include "latency_stats.h"
#include "process_stats.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

namespace {

awaitable<void> setup_flow(const BenchContext& context, const AgentFleetOptions& options, const FleetCommand& command,
                           Fleet& fleet, json::object& setup) {
  {
    HttpConnection connection(context.executor, context.endpoint);
    co_await context.credentials->login(connection);
  }
  spdlog::info("setup: enrolling {} agents over {} connections", options.agents, options.setup_connections);
  co_await enroll_agents(context, fleet, options.agents, options.setup_connections);
  setup["agents"] = options.agents;
  setup["enroll_s"] = round3(fleet.enroll_seconds);
  if (command.needs_group) {
    co_await create_fleet_group(context, fleet, options.setup_connections);
    setup["group"] = fleet.group;
    setup["assign_s"] = round3(fleet.assign_seconds);
  }
}

// Runs `flow` on a fresh io_context until it completes; rethrows its exception.
void run_to_completion(asio::io_context& io, awaitable<void> flow) {
  std::exception_ptr failure;
  asio::co_spawn(io, std::move(flow), [&](std::exception_ptr error) {
    failure = error;
    io.stop();
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

int run_fleet_command(const AgentFleetOptions& options, FleetCommand command) {
  json::object result{{"command", command.name}};
  std::unique_ptr<SpawnedServer> server;
  std::string url = options.url;
  std::string comms_url = options.comms_url;
  std::string password = options.password;
  try {
    if (url.empty()) {
      SpawnOptions spawn = spawn_options(options, password);
      spawn.comms_poll_timeout_s = options.poll_timeout_s;
      spawn.max_connections = std::max<std::size_t>(10'000, options.agents + 2'000);
      json::object server_json;
      if (command.configure_server) command.configure_server(spawn, server_json);
      server = std::make_unique<SpawnedServer>(spawn);
      url = server->management_url();
      comms_url = server->comms_url();
      server_json["spawned"] = spawn.heraldd.string();
      server_json["url"] = url;
      server_json["comms_url"] = comms_url;
      server_json["pid"] = server->pid();
      server_json["poll_timeout_s"] = options.poll_timeout_s;
      server_json["max_connections"] = spawn.max_connections;
      result["server"] = std::move(server_json);
    } else {
      result["server"] = json::object{{"url", url}, {"comms_url", comms_url}};
    }
  } catch (const std::exception& error) {
    std::cerr << "herald-bench " << command.name << ": " << error.what() << "\n";
    return 1;
  }
  const pid_t server_pid = server ? server->pid() : -1;
  result["machine"] = json::object{{"nproc", std::thread::hardware_concurrency()},
                                   {"loadavg_1m_at_start", load_average_1m()}};
  auto& echoed = command.options;
  echoed["agents"] = options.agents;
  echoed["workers"] = options.workers;
  echoed["source_addresses"] = options.source_addresses;
  echoed["repoll_delay_ms"] = options.repoll_delay_ms;
  echoed["auth_concurrency"] = options.auth_concurrency;
  echoed["park_concurrency"] = options.park_concurrency;
  result["options"] = std::move(echoed);

  Credentials credentials(options.user, password);
  Fleet fleet;
  int code = 0;
  std::unique_ptr<WorkerPool> workers;
  try {
    // 1. Setup over the management API, in an io_context that is gone before the workers fork.
    {
      json::object setup;
      setup["server_rss_at_start_mib"] = mib(proc_status_kib(server_pid, "VmRSS"));
      asio::io_context io;
      BenchContext context{io.get_executor(), parse_http_url(url), &credentials, server_pid};
      run_to_completion(io, setup_flow(context, options, command, fleet, setup));
      setup["server_rss_after_setup_mib"] = mib(proc_status_kib(server_pid, "VmRSS"));
      result["setup"] = std::move(setup);
    }
    // 2. Fork the agent workers.
    workers = std::make_unique<WorkerPool>(fleet, options, comms_url);
    // 3. Drive them.
    asio::io_context io;
    FleetRun run{options,  BenchContext{io.get_executor(), parse_http_url(url), &credentials, server_pid},
                 fleet,    *workers,
                 FleetEvents(options.agents), result};
    for (const int fd : workers->event_fds()) asio::co_spawn(io, read_events(fd, run.events), asio::detached);
    run_to_completion(io, command.steps(run));
  } catch (const std::exception& error) {
    spdlog::error("{} failed: {}", command.name, error.what());
    result["error"] = error.what();
    code = 1;
  }
  workers.reset();
  return stop_server_and_report(std::move(server), result, code);
}

}  // namespace herald::bench
