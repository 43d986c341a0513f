#include "bench_context.h"

#include <fstream>

#include "concurrency.h"
#include "latency_stats.h"
#include "spawned_server.h"

namespace herald::bench {

double load_average_1m() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return in ? load : -1;
}

ScenarioMeter::ScenarioMeter(const BenchContext& context)
    : server_pid_(context.server_pid),
      started_(std::chrono::steady_clock::now()),
      bench_cpu_start_(self_cpu_seconds()),
      server_cpu_start_(process_cpu_seconds(context.server_pid)),
      loadavg_before_(load_average_1m()) {}

void ScenarioMeter::finish(boost::json::object& out) const {
  out["wall_s"] = round3(seconds_since(started_));
  out["bench_cpu_s"] = round3(self_cpu_seconds() - bench_cpu_start_);
  if (server_pid_ > 0) out["server_cpu_s"] = round3(process_cpu_seconds(server_pid_) - server_cpu_start_);
  out["loadavg_1m_before"] = loadavg_before_;
}

}  // namespace herald::bench
