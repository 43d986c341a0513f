// What every scenario needs: where the server is, how to log in, and how to account for the CPU
// both processes used while it ran.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <string>

#include "api_client.h"
#include "http_client.h"

namespace herald::bench {

struct BenchContext {
  boost::asio::any_io_executor executor;
  Endpoint endpoint;
  Credentials* credentials = nullptr;
  pid_t server_pid = -1;  // known only when the bench spawned heraldd
};

// Snapshot of wall time, load and CPU at a scenario's start; `finish` writes the deltas.
class ScenarioMeter {
 public:
  explicit ScenarioMeter(const BenchContext& context);
  // Adds "wall_s", "bench_cpu_s", "server_cpu_s" (when the server pid is known), "loadavg_1m_before".
  void finish(boost::json::object& out) const;

 private:
  pid_t server_pid_;
  std::chrono::steady_clock::time_point started_;
  double bench_cpu_start_;
  double server_cpu_start_;
  double loadavg_before_;
};

// The 1-minute load average from /proc/loadavg (-1 if unreadable).
double load_average_1m();

}  // namespace herald::bench
