// One measurement against a heraldd the bench spawns: start it, run `measure(context, comms)` on
// an io_context of the bench's own, record a failure in `result`, note the load average, stop
// the server and print the report. Returns the process exit code.
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bench_context.h"
#include "http_client.h"
#include "latency_stats.h"
#include "spawned_server.h"

namespace herald::bench {

// The options of a bench that spawns its own heraldd.
struct SpawnedBenchOptions {
  std::string spawn;                      // --spawn: the heraldd binary (default: this build tree's)
  std::string server_log_level = "warn";  // --server-log-level
  bool keep_data_dir = false;             // --keep-data-dir
};

// parse_plain_options' callbacks for those options: false / nullopt for any other.
inline bool spawned_bench_flag(SpawnedBenchOptions& options, std::string_view arg) {
  if (arg != "--keep-data-dir") return false;
  options.keep_data_dir = true;
  return true;
}
inline std::optional<bool> spawned_bench_option(SpawnedBenchOptions& options, std::string_view arg,
                                                std::string_view value) {
  if (arg == "--spawn")
    options.spawn = value;
  else if (arg == "--server-log-level")
    options.server_log_level = value;
  else
    return std::nullopt;
  return true;
}

template <class Measure>
int run_on_spawned_server(const char* command, const SpawnOptions& spawn, const std::string& password,
                          boost::json::object& result, Measure measure) {
  namespace asio = boost::asio;
  std::unique_ptr<SpawnedServer> server;
  int code = 0;
  try {
    server = std::make_unique<SpawnedServer>(spawn);
    Credentials credentials("admin", password);
    asio::io_context io;
    BenchContext context{io.get_executor(), parse_http_url(server->management_url()), &credentials, server->pid()};
    const auto comms_parts = parse_http_url(server->comms_url());
    const asio::ip::tcp::endpoint comms{asio::ip::make_address(comms_parts.host),
                                        static_cast<unsigned short>(std::stoul(comms_parts.port))};
    std::exception_ptr failure;
    asio::co_spawn(io, measure(context, comms), [&](std::exception_ptr error) { failure = error; });
    io.run();
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& error) {
    spdlog::error("{} failed: {}", command, error.what());
    result["error"] = error.what();
    code = 1;
  }
  result["loadavg_1m_after"] = round3(load_average_1m());
  return stop_server_and_report(std::move(server), result, code);
}

}  // namespace herald::bench
