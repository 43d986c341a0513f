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
#include <string>

#include "bench_context.h"
#include "http_client.h"
#include "latency_stats.h"
#include "spawned_server.h"

namespace herald::bench {

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
