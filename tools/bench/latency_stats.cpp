#include "latency_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace herald::bench {

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

LatencySummary summarize(std::vector<double>& samples) {
  LatencySummary summary;
  if (samples.empty()) return summary;
  std::sort(samples.begin(), samples.end());
  summary.count = samples.size();
  summary.min = samples.front();
  summary.max = samples.back();
  summary.p50 = percentile(samples, 0.50);
  summary.p90 = percentile(samples, 0.90);
  summary.p99 = percentile(samples, 0.99);
  summary.mean = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
  return summary;
}

double round3(double value) { return std::round(value * 1000.0) / 1000.0; }

void put_summary(boost::json::object& out, const LatencySummary& summary, const char* unit_suffix) {
  const std::string unit(unit_suffix);
  out["min" + unit] = round3(summary.min);
  out["p50" + unit] = round3(summary.p50);
  out["p90" + unit] = round3(summary.p90);
  out["p99" + unit] = round3(summary.p99);
  out["max" + unit] = round3(summary.max);
  out["mean" + unit] = round3(summary.mean);
}

}  // namespace herald::bench
