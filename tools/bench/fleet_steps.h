// Steps every fleet-style subcommand takes with its agent workers running: authenticate every
// agent, park every poll, wait for conditions; and the state those steps share.
#pragma once

#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <vector>

#include "bench_context.h"
#include "fleet.h"
#include "fleet_events.h"
#include "fleet_options.h"
#include "worker_pool.h"

namespace herald::bench {

// One run with the workers up: the options, the management API, the fleet, its agent processes
// and what they reported, and the JSON document being built. Single io thread.
struct FleetRun {
  const AgentFleetOptions& options;
  BenchContext context;
  Fleet& fleet;
  WorkerPool& workers;
  FleetEvents events;
  boost::json::object& result;
};

// Waits (checking every millisecond) until `done()`; false when `limit_s` passed first.
boost::asio::awaitable<bool> wait_until(const std::function<bool()>& done, double limit_s);

// Waits until heraldd uses < 5% of a core over 0.5 s; false when `limit_s` passed first. Without
// a pid (an attached server), just waits 2 s.
boost::asio::awaitable<bool> wait_server_quiet(pid_t pid, double limit_s);

// Every agent authenticates (workers told "auth"), the starts spread evenly over `spread_s`
// (0: as fast as --auth-concurrency allows); writes result["auth"]. Throws std::runtime_error
// unless every agent got a token.
boost::asio::awaitable<void> authenticate_fleet(FleetRun& run, double spread_s = 0);

// Waits until `expected` poll requests were written since the last events.new_phase() and
// heraldd is quiet again (bounded by --park-wait); writes polls_written, all_written_s, parked_s
// and server_quiet into `out`. Throws std::runtime_error when not every poll was written in time.
boost::asio::awaitable<void> park(FleetRun& run, const char* what, std::size_t expected, boost::json::object& out);

// {"count": n, "min_ms", "p50_ms", ...} of millisecond samples (sorted in place).
boost::json::object latency_json(std::vector<double>& samples_ms);

}  // namespace herald::bench
