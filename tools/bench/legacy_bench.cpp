// herald-bench legacy: N Wazuh 4.x agents enrolled on 1515 and connected to 1514 of a spawned
// heraldd; what they cost it at rest, how fast a group restart reaches them, how many events it
// decrypts per CPU-second. The phases are in legacy_phases.cpp.
#include "legacy_bench.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <sys/resource.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>

#include "api_client.h"
#include "concurrency.h"
#include "fleet.h"
#include "latency_stats.h"
#include "legacy_enrollment.h"
#include "legacy_options.h"
#include "legacy_phases.h"
#include "process_stats.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

namespace {

// 5,000 agents need 5,000 sockets here: take the whole hard limit.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

awaitable<void> legacy_flow(const LegacyOptions& options, const BenchContext& context, const SpawnedServer& server,
                            json::object& result) {
  const pid_t pid = context.server_pid;
  {
    HttpConnection connection(context.executor, context.endpoint);
    co_await context.credentials->login(connection);
  }
  json::object setup{{"server_rss_at_start_mib", mib(proc_status_kib(pid, "VmRSS"))}};
  // 1. Enrollment on 1515, then the group on the Management API.
  spdlog::info("setup: enrolling {} agents on {} ({} at a time)", options.agents, server.enrollment_address(),
               options.enroll_concurrency);
  const double enroll_cpu_before = process_cpu_seconds(pid);
  auto started = std::chrono::steady_clock::now();
  const auto identities = co_await enroll_legacy_agents(parse_host_port(server.enrollment_address()), options.agents,
                                                        options.enroll_concurrency, "legacy-bench-");
  const double enroll_s = seconds_since(started);
  setup["enroll_s"] = round3(enroll_s);
  setup["enroll_per_s"] = round3(static_cast<double>(options.agents) / enroll_s);
  setup["enroll_server_cpu_s"] = round3(process_cpu_seconds(pid) - enroll_cpu_before);
  Fleet api_fleet;
  for (const auto& identity : identities) api_fleet.agent_ids.push_back(identity.id);
  co_await create_fleet_group(context, api_fleet, options.setup_connections);
  setup["group"] = api_fleet.group;
  setup["assign_s"] = round3(api_fleet.assign_seconds);
  setup["assign_per_s"] = round3(static_cast<double>(options.agents) / api_fleet.assign_seconds);
  // Idle connections and caches from the setup are gone before the baseline is read.
  co_await sleep_for(std::chrono::seconds(2));
  const auto rss_before = proc_status_kib(pid, "VmRSS");
  setup["server_rss_before_connect_mib"] = mib(rss_before);

  // 2. Every agent connects to 1514.
  const auto cipher = options.cipher == "blowfish" ? legacy::wire::Cipher::blowfish : legacy::wire::Cipher::aes;
  LegacyFleet fleet(identities, cipher, options.client_threads);
  spdlog::info("connect: {} agents to {} ({} handshakes in flight, {} client threads)", options.agents,
               server.remote_address(), options.connect_concurrency, options.client_threads);
  const double connect_cpu_before = process_cpu_seconds(pid);
  started = std::chrono::steady_clock::now();
  co_await fleet.connect_all(parse_host_port(server.remote_address()), options.source_addresses,
                             options.connect_concurrency, std::chrono::seconds(options.keepalive_interval_s));
  const double connect_s = seconds_since(started);
  const auto& stats = fleet.stats();
  setup["connect_s"] = round3(connect_s);
  setup["connect_per_s"] = round3(static_cast<double>(options.agents) / connect_s);
  setup["connect_server_cpu_s"] = round3(process_cpu_seconds(pid) - connect_cpu_before);
  setup["connected"] = stats.connected.load();
  setup["connect_failed"] = stats.connect_failed.load();
  result["setup"] = std::move(setup);
  if (stats.connected.load() == 0) throw std::runtime_error("no agent connected: " + stats.first_error());

  // 3. The phases.
  LegacyRun run{options, context, fleet, api_fleet.group, rss_before};
  json::object phases;
  for (const auto& phase : options.phases) {
    if (phase == "rest") phases["rest"] = co_await legacy_rest_phase(run);
    if (phase == "restart") phases["restart"] = co_await legacy_restart_phase(run);
    if (phase == "events" && options.event_agents > 0) phases["events"] = co_await legacy_events_phase(run);
  }
  result["phases"] = std::move(phases);
  result["agents"] = legacy_stats_json(stats);
  result["server_rss_at_end_mib"] = mib(proc_status_kib(pid, "VmRSS"));
}

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

int run_legacy(int argc, char** argv) {
  bool help_shown = false;
  auto parsed = parse_legacy_options(argc, argv, help_shown);
  if (!parsed) return help_shown ? 0 : 2;
  const LegacyOptions options = *parsed;
  raise_fd_limit();
  json::object result{{"command", "legacy"}};
  std::unique_ptr<SpawnedServer> server;
  std::string password = options.password;
  try {
    SpawnOptions spawn = spawn_options(options, password);
    server = std::make_unique<SpawnedServer>(spawn);
    if (server->enrollment_address().empty() || server->remote_address().empty()) {
      throw std::runtime_error("heraldd reported no legacy enrollment/remote listener in heraldd.ready");
    }
    result["server"] = json::object{{"spawned", spawn.heraldd.string()},
                                    {"url", server->management_url()},
                                    {"enrollment", server->enrollment_address()},
                                    {"remote", server->remote_address()},
                                    {"pid", server->pid()},
                                    {"store", "sqlite (embedded default)"}};
  } catch (const std::exception& error) {
    std::cerr << "herald-bench legacy: " << error.what() << "\n";
    return 1;
  }
  result["machine"] = json::object{{"nproc", std::thread::hardware_concurrency()},
                                   {"loadavg_1m_at_start", load_average_1m()}};
  json::array phases;
  for (const auto& phase : options.phases) phases.emplace_back(phase);
  result["options"] = json::object{{"agents", options.agents},
                                   {"cipher", options.cipher},
                                   {"enroll_concurrency", options.enroll_concurrency},
                                   {"connect_concurrency", options.connect_concurrency},
                                   {"client_threads", options.client_threads},
                                   {"source_addresses", options.source_addresses},
                                   {"keepalive_interval_s", options.keepalive_interval_s},
                                   {"settle_s", options.settle_s},
                                   {"rest_window_s", options.rest_window_s},
                                   {"event_agents", options.event_agents},
                                   {"event_warmup_s", options.event_warmup_s},
                                   {"event_window_s", options.event_window_s},
                                   {"event_ring", options.event_ring},
                                   {"phases", std::move(phases)}};
  int code = 0;
  const auto started = std::chrono::steady_clock::now();
  try {
    Credentials credentials(options.user, password);
    asio::io_context io;
    BenchContext context{io.get_executor(), parse_http_url(server->management_url()), &credentials, server->pid()};
    run_to_completion(io, legacy_flow(options, context, *server, result));
  } catch (const std::exception& error) {
    spdlog::error("legacy failed: {}", error.what());
    result["error"] = error.what();
    code = 1;
  }
  result["wall_s"] = round3(seconds_since(started));
  return stop_server_and_report(std::move(server), result, code);
}

}  // namespace herald::bench
