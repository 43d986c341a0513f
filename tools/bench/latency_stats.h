// Order statistics over latency samples (sorted, nearest-rank percentiles) and their JSON form.
#pragma once

#include <boost/json/object.hpp>

#include <vector>

namespace herald::bench {

struct LatencySummary {
  std::size_t count = 0;
  double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

// Sorts `samples` in place. Empty input gives an all-zero summary.
LatencySummary summarize(std::vector<double>& samples);

// Nearest-rank percentile of sorted samples; q in [0, 1].
double percentile(const std::vector<double>& sorted, double q);

// {"<prefix>p50_<unit>": ..., ...}: the summary's fields merged into `out`, rounded to 3 decimals.
void put_summary(boost::json::object& out, const LatencySummary& summary, const char* unit_suffix);

double round3(double value);

}  // namespace herald::bench
