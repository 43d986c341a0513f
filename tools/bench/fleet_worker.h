// A process of simulated agents (herald-bench fleet). The coordinator forks one per slice of the
// fleet, because every parked poll is an open socket and a process may hold only so many. It talks
// to the worker over two pipes, one line per message:
//   coordinator -> worker: "auth <spread ms>", "park", "report 0|1", "quit"
//                          "storm replace|drop <in-flight>" every live agent reconnects at once:
//                               re-authenticates on a new connection and polls again. replace:
//                               the new poll takes over the parked one (heraldd answers that one
//                               408, a normal end); drop: the agent first closes its connection
//                               (heraldd sees a dropped poll). At most <in-flight> reconnections
//                               of this worker between connect and poll written
//                          "kill <agent>..."               close these agents' connections; they
//                                                          send nothing more (dead agents)
//                          "mute <agent>..."               these agents stop after the reply to
//                                                          their current poll (silent agents)
//   worker -> coordinator: "A <ok> <failed>"               authentication of the slice done (also
//                                                          after a storm's re-authentications)
//                          "W <agent>"                     a poll request was written
//                          "R <agent> <ns> <commands>"     a poll answered 200 (ns: CLOCK_MONOTONIC)
//                          "P <agent> <ns> <status> <us>"  a result POST answered (us: its latency)
//                          "T <agent>"                     a poll answered 408
//                          "X <agent> <what>"              anything unexpected
//                          "D <agent> <document_id>"       an order delivered a second time
//                          "K <agent> <ns>"                a killed agent's connection is closed
//                          "M <agent> <ns>"                a muted agent read its last reply
// <agent> is the agent's index in the whole fleet; every worker gets every command line and acts
// on the agents of its own slice.
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

// Writes all of `line` to a pipe of the protocol above, retrying after signals. False when the
// other side is gone.
bool write_line(int fd, const std::string& line);

// Runs until "quit" (or the coordinator's pipe closes), then _exits the process.
[[noreturn]] void run_worker(WorkerConfig config);

}  // namespace herald::bench
