// The measured phases of `herald-bench legacy`, one function each, over a connected fleet.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

#include "bench_context.h"
#include "legacy_fleet.h"
#include "legacy_options.h"

namespace herald::bench {

struct LegacyRun {
  const LegacyOptions& options;
  BenchContext context;        // the Management API of the spawned heraldd, and its pid
  LegacyFleet& fleet;
  std::string group;           // holds every agent
  long long rss_before_kib = -1;  // heraldd's VmRSS once enrolled, before any agent connected
};

// Nothing but keep-alives: heraldd CPU and RSS per connected agent.
boost::asio::awaitable<boost::json::object> legacy_rest_phase(LegacyRun& run);
// A restart to the group: from the 200 until every connected agent has it.
boost::asio::awaitable<boost::json::object> legacy_restart_phase(LegacyRun& run);
// --event-agents blast events: accepted events per second and per heraldd CPU-second.
boost::asio::awaitable<boost::json::object> legacy_events_phase(LegacyRun& run);

// The fleet's counters as JSON.
boost::json::object legacy_stats_json(const LegacyAgentStats& stats);

}  // namespace herald::bench
