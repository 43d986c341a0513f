// What the agent worker processes report (see fleet_worker.h for the line protocol), as the
// coordinator's single io thread tallies it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

struct FleetEvents {
  explicit FleetEvents(std::size_t agents)
      : received_ns(agents, 0), result_ns(agents, 0), hung_up_ns(agents, 0), last_reply_ns(agents, 0) {}

  // Forgets the per-phase tallies (deliveries, results, polls written).
  void new_phase();
  // Forgets the authentication tallies before another round of "A" reports.
  void new_auth_round() { auth_reports = auth_ok = auth_failed = 0; }

  std::vector<long long> received_ns;  // first poll 200 of the phase, per agent; 0: none yet
  std::size_t received = 0;
  std::size_t duplicates = 0;          // further 200s in the same phase
  std::size_t commands_received = 0;   // over the whole run
  std::vector<long long> result_ns;
  std::size_t results = 0;
  std::size_t result_failures = 0;     // result POSTs not answered 200
  std::vector<double> result_post_ms;
  std::size_t written = 0;             // poll requests written in this phase
  std::size_t auth_reports = 0, auth_ok = 0, auth_failed = 0;
  std::size_t poll_timeouts = 0;       // 408s
  std::size_t errors = 0;
  std::vector<std::string> error_samples;
  std::size_t redelivered = 0;  // orders an agent received a second time (whole run)
  std::vector<std::string> redelivered_samples;
  // Agents the bench stopped: when their connection was closed ("K"), or when a muted agent read
  // its last reply ("M"); 0: not (yet).
  std::vector<long long> hung_up_ns;
  std::vector<long long> last_reply_ns;
  std::size_t hung_up = 0, went_silent = 0;
  // single-agent step of `fleet`: the one agent being watched
  std::size_t watched = SIZE_MAX;
  long long watched_received_ns = 0;
  bool watched_repolled = false;
};

// Tallies one line from a worker (without its newline).
void handle_event(FleetEvents& events, const std::string& line);

// Reads event lines from a worker's pipe until it closes.
boost::asio::awaitable<void> read_events(int fd, FleetEvents& events);

}  // namespace herald::bench
