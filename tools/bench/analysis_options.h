// `herald-bench analysis` options: defaults, parsing and --help text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis_events.h"

namespace herald::bench {

struct AnalysisBenchOptions {
  bool default_ruleset = true;            // Herald's built-in ruleset (as heraldd's default)
  std::vector<std::string> ruleset_dirs;  // a 4.x ruleset/ or etc/ directory, as analysis.ruleset_dirs
  std::size_t events = 200'000;           // events per throughput round
  std::size_t rounds = 5;                 // throughput rounds (the median is reported)
  std::size_t threads = 0;                // all-cores phase and latency phase workers; 0: one per core
  double latency_seconds = 5;             // the paced phase
  double load_fraction = 0.5;             // its rate, as a fraction of the all-cores throughput
  double latency_rate = 0;                // or this many events/s (> 0)
  EventMix mix;
};

// Parses argv after "analysis". Returns nullopt after printing an error (or the help, with
// `help_shown` set).
std::optional<AnalysisBenchOptions> parse_analysis_options(int argc, char** argv, bool& help_shown);

}  // namespace herald::bench
