// The http-ratio figures: one target's round as measured, the medians over rounds, the ratios to
// nginx, and their JSON and log-table forms.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "http_load_generator.h"
#include "latency_stats.h"

namespace herald::bench {

struct RoundFigures {
  double requests_per_s = 0;  // 2xx replies per second of the window
  LatencySummary latency;     // of every reply in the window, in ms
  std::uint64_t replies = 0;  // every reply in the window, 2xx or not
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::map<std::string, std::uint64_t> error_kinds;
  double server_cpu_s = -1;  // over the window; -1: unknown (an attached server)
  double client_cpu_s = 0;   // the bench's own, over the window
  bool drain_timed_out = false;
};

struct TargetFigures {
  std::string name;
  std::vector<RoundFigures> rounds;  // in round order
};

// Summarizes `load` (sorting its latencies) with the CPU the server and the bench used meanwhile.
RoundFigures round_figures(LoadResult& load, double server_cpu_s, double client_cpu_s);

// The median (mean of the middle two for an even count); 0 for none.
double median(std::vector<double> values);

// {"<target>": {"requests_per_s_median", "rounds", "p50_ms", "p99_ms", "errors",
// "server_cpu_us_per_request", "ratio_to_nginx", ...}, ...}. ratio_to_nginx is null without an
// nginx target.
boost::json::object targets_json(const std::vector<TargetFigures>& targets);

// One spdlog::info line per target: median req/s, ratio, latency, errors, CPU per request.
void log_ratio_table(const std::vector<TargetFigures>& targets);

}  // namespace herald::bench
