// A process of simulated agents (herald-bench fleet). The coordinator forks one per slice of the
// fleet, because every parked poll is an open socket and a process may hold only so many. It talks
// to the worker over two pipes, one line per message:
//   coordinator -> worker: "auth", "park", "report 0|1", "quit"
//   worker -> coordinator: "A <ok> <failed>"               authentication of the slice done
//                          "W <agent>"                     a poll request was written
//                          "R <agent> <ns> <commands>"     a poll answered 200 (ns: CLOCK_MONOTONIC)
//                          "P <agent> <ns> <status> <us>"  a result POST answered (us: its latency)
//                          "T <agent>"                     a poll answered 408
//                          "X <agent> <what>"              anything unexpected
//                          "D <agent> <document_id>"       an order delivered a second time
// <agent> is the agent's index in the whole fleet.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <vector>

namespace herald::bench {

struct WorkerConfig {
  std::size_t first_index = 0;  // fleet index of ids[0]
  std::vector<std::string> ids;
  std::vector<std::string> keys;
  boost::asio::ip::tcp::endpoint server;  // comms listener
  std::string host;                       // Host header
  std::vector<boost::asio::ip::address> sources;  // empty: no bind
  std::size_t auth_concurrency = 32;
  std::size_t park_concurrency = 256;
  long repoll_delay_ms = 0;
  int in_fd = -1;
  int out_fd = -1;
};

// Runs until "quit" (or the coordinator's pipe closes), then _exits the process.
[[noreturn]] void run_worker(WorkerConfig config);

}  // namespace herald::bench
