#include "ingest.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "api_client.h"
#include "bench_context.h"
#include "fleet.h"
#include "ingest_options.h"
#include "latency_stats.h"
#include "scenarios.h"
#include "spawned_server.h"

namespace herald::bench {

namespace json = boost::json;
namespace fs = std::filesystem;
using boost::asio::awaitable;

namespace {

bool wants(const IngestOptions& options, std::string_view scenario) {
  return std::find(options.scenarios.begin(), options.scenarios.end(), scenario) != options.scenarios.end();
}

awaitable<void> ingest_flow(const BenchContext& context, const IngestOptions& options, json::object& result) {
  {
    HttpConnection connection(context.executor, context.endpoint);
    co_await context.credentials->login(connection);
  }
  Fleet fleet;
  json::object setup;
  if (wants(options, "group-fanout") || wants(options, "single-agent") || wants(options, "expiry")) {
    spdlog::info("setup: enrolling {} agents over {} connections", options.agents, options.setup_connections);
    co_await enroll_agents(context, fleet, options.agents, options.setup_connections);
    setup["agents"] = options.agents;
    setup["enroll_s"] = round3(fleet.enroll_seconds);
    setup["enroll_per_s"] = round3(static_cast<double>(options.agents) / fleet.enroll_seconds);
  }
  if (wants(options, "group-fanout") || wants(options, "expiry")) {
    co_await create_fleet_group(context, fleet, options.setup_connections);
    setup["group"] = fleet.group;
    setup["assign_s"] = round3(fleet.assign_seconds);
    setup["assign_per_s"] = round3(static_cast<double>(options.agents) / fleet.assign_seconds);
  }
  result["setup"] = std::move(setup);

  json::array scenarios;
  for (const auto& name : options.scenarios) {
    spdlog::info("scenario {} (load average {:.2f})", name, load_average_1m());
    try {
      json::object outcome;
      if (name == "group-fanout") outcome = co_await run_group_fanout(context, fleet, options);
      if (name == "single-agent") outcome = co_await run_single_agent(context, fleet, options);
      if (name == "expiry") outcome = co_await run_expiry(context, fleet, options);
      if (name == "http-baseline") outcome = co_await run_http_baseline(context, options);
      if (name == "slowloris") outcome = co_await run_slowloris(context, options);
      scenarios.push_back(std::move(outcome));
    } catch (const std::exception& error) {
      spdlog::error("scenario {} failed: {}", name, error.what());
      scenarios.push_back(json::object{{"scenario", name}, {"error", error.what()}});
    }
  }
  result["scenarios"] = std::move(scenarios);
}

}  // namespace

int run_ingest(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_ingest_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const auto& options = *parsed;

  json::object result{{"command", "ingest"}};
  std::unique_ptr<SpawnedServer> server;
  std::string url = options.url;
  std::string password = options.password;
  try {
    if (url.empty()) {
      SpawnOptions spawn = spawn_options(options, password);
      spawn.synchronous = options.server_synchronous;
      server = std::make_unique<SpawnedServer>(spawn);
      url = server->management_url();
      result["server"] = json::object{{"spawned", spawn.heraldd.string()},
                                      {"url", url},
                                      {"pid", server->pid()},
                                      {"synchronous", spawn.synchronous.empty() ? "default" : spawn.synchronous}};
    } else {
      result["server"] = json::object{{"url", url}};
    }
  } catch (const std::exception& error) {
    std::cerr << "herald-bench ingest: " << error.what() << "\n";
    return 1;
  }
  result["machine"] = json::object{{"nproc", std::thread::hardware_concurrency()},
                                   {"loadavg_1m_at_start", load_average_1m()}};

  boost::asio::io_context io;
  Credentials credentials(options.user, password);
  BenchContext context{io.get_executor(), parse_http_url(url), &credentials, server ? server->pid() : -1};
  std::exception_ptr failure;
  boost::asio::co_spawn(io, ingest_flow(context, options, result), [&](std::exception_ptr error) { failure = error; });
  io.run();

  int code = 0;
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& error) {
      spdlog::error("ingest failed: {}", error.what());
      result["error"] = error.what();
    }
    code = 1;
  }
  return stop_server_and_report(std::move(server), result, code);
}

}  // namespace herald::bench
