// A closed-loop load: C clients, each on its own keep-alive connection, sending the next request
// as soon as the previous one is answered, for a warm-up and then a measured window.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bench_context.h"

namespace herald::bench {

struct ClosedLoopOptions {
  std::size_t clients = 32;
  double warmup_s = 1;
  double duration_s = 10;
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;
  // Builds the body of the next request (empty: no body); called once per request.
  std::function<std::string(std::mt19937_64&)> next_body;
};

struct ClosedLoopResult {
  std::vector<double> latencies_ms;  // requests sent in the measured window
  std::size_t errors = 0;            // of those: non-200 replies and network failures
  std::size_t warmup_requests = 0;   // answered before the window opened
  double window_s = 0;               // from the window's start to the last of its answers
};

boost::asio::awaitable<ClosedLoopResult> run_closed_loop(const BenchContext& context, const ClosedLoopOptions& options);

// Adds requests, requests_per_s, errors, duration_s and the latency percentiles (ms) to `out`;
// with the server's CPU seconds over warm-up and window (negative: unknown), also
// server_cpu_us_per_request.
void put_closed_loop_result(boost::json::object& out, ClosedLoopResult& result, double server_cpu_s);

}  // namespace herald::bench
