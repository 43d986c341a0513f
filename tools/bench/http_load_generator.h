// A closed-loop HTTP/1.1 load generator in the manner of wrk: a few threads, each with its own
// io_context, driving keep-alive connections that send one pre-built request, read the whole
// reply, and send again. Built for throughput: no per-request allocation, no shared state
// between threads during the run but one atomic phase flag.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace herald::bench {

struct LoadTarget {
  boost::asio::ip::tcp::endpoint server;
  std::string request;  // one whole HTTP/1.1 request (head and body), sent as is every time
};

struct LoadShape {
  std::size_t threads = 2;
  std::size_t connections = 64;  // in total, spread over the threads
  std::chrono::duration<double> warmup{1};
  std::chrono::duration<double> duration{8};
  // After the window, replies still outstanding get this long before their connections are dropped.
  std::chrono::seconds drain_timeout{5};
};

struct LoadResult {
  double window_s = 0;           // the measured window as it was (wall clock)
  std::uint64_t successes = 0;   // 2xx replies completed in the window
  std::uint64_t errors = 0;      // non-2xx replies, failed connections and unreadable replies in the window
  std::uint64_t reconnects = 0;  // connections reopened in the window (errors, or the server closing)
  std::map<std::string, std::uint64_t> error_kinds;  // "HTTP 403", "read: End of file", ...
  std::vector<double> latencies_ms;  // every reply completed in the window, in no particular order
  bool drain_timed_out = false;      // some reply was still outstanding drain_timeout after the window

  double successes_per_s() const { return window_s > 0 ? static_cast<double>(successes) / window_s : 0; }
};

// Runs `shape.warmup` unmeasured, then the measured window, against `target`. `at_window_start`
// and `at_window_end` run on the calling thread right at the window's edges (CPU snapshots); either
// may be empty. A reply counts in the window if it completes inside it. Blocks for the whole run.
// Throws std::invalid_argument when `shape` has no connections or no threads.
LoadResult run_load(const LoadTarget& target, const LoadShape& shape, const std::function<void()>& at_window_start,
                    const std::function<void()>& at_window_end);

}  // namespace herald::bench
