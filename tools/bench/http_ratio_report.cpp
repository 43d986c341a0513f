#include "http_ratio_report.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "http_ratio_targets.h"

namespace herald::bench {

namespace json = boost::json;

namespace {

struct Medians {
  double requests_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::uint64_t errors = 0;
  double server_cpu_us_per_request = -1;  // -1: unknown
  double client_cpu_us_per_request = -1;
};

double per_request_us(double cpu_s, std::uint64_t replies) {
  return replies > 0 ? cpu_s * 1e6 / static_cast<double>(replies) : -1;
}

Medians medians_of(const TargetFigures& target) {
  std::vector<double> rates, p50s, p99s;
  Medians out;
  std::uint64_t replies = 0;
  double server_cpu_s = 0, client_cpu_s = 0;
  bool server_known = true;
  for (const auto& round : target.rounds) {
    rates.push_back(round.requests_per_s);
    p50s.push_back(round.latency.p50);
    p99s.push_back(round.latency.p99);
    out.errors += round.errors;
    replies += round.replies;
    server_known = server_known && round.server_cpu_s >= 0;
    server_cpu_s += round.server_cpu_s;
    client_cpu_s += round.client_cpu_s;
  }
  out.requests_per_s = median(rates);
  out.p50_ms = median(p50s);
  out.p99_ms = median(p99s);
  // Over all rounds together: ticks of 10 ms are too coarse to take a median of per round.
  if (server_known) out.server_cpu_us_per_request = per_request_us(server_cpu_s, replies);
  out.client_cpu_us_per_request = per_request_us(client_cpu_s, replies);
  return out;
}

std::optional<double> nginx_median(const std::vector<TargetFigures>& targets) {
  for (const auto& target : targets) {
    if (target.name == "nginx" && !target.rounds.empty()) return medians_of(target).requests_per_s;
  }
  return std::nullopt;
}

json::value known_or_null(double value) { return value >= 0 ? json::value(round3(value)) : json::value(nullptr); }

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

RoundFigures round_figures(LoadResult& load, double server_cpu_s, double client_cpu_s) {
  RoundFigures round;
  round.requests_per_s = load.successes_per_s();
  round.replies = load.latencies_ms.size();
  round.latency = summarize(load.latencies_ms);
  round.errors = load.errors;
  round.reconnects = load.reconnects;
  round.error_kinds = load.error_kinds;
  round.server_cpu_s = server_cpu_s;
  round.client_cpu_s = client_cpu_s;
  round.drain_timed_out = load.drain_timed_out;
  return round;
}

json::object targets_json(const std::vector<TargetFigures>& targets) {
  const auto nginx = nginx_median(targets);
  json::object out;
  for (const auto& target : targets) {
    if (target.rounds.empty()) continue;  // a run that failed before reaching it
    const auto medians = medians_of(target);
    json::array rounds;
    std::map<std::string, std::uint64_t> error_kinds;
    std::uint64_t reconnects = 0;
    bool drain_timed_out = false;
    for (const auto& round : target.rounds) {
      rounds.push_back(round3(round.requests_per_s));
      for (const auto& [kind, count] : round.error_kinds) error_kinds[kind] += count;
      reconnects += round.reconnects;
      drain_timed_out = drain_timed_out || round.drain_timed_out;
    }
    json::object figures{{"request", ratio_target_request_line(target.name)},
                         {"requests_per_s_median", round3(medians.requests_per_s)},
                         {"rounds", std::move(rounds)},
                         {"p50_ms", round3(medians.p50_ms)},
                         {"p99_ms", round3(medians.p99_ms)},
                         {"errors", medians.errors},
                         {"server_cpu_us_per_request", known_or_null(medians.server_cpu_us_per_request)},
                         {"client_cpu_us_per_request", known_or_null(medians.client_cpu_us_per_request)},
                         {"ratio_to_nginx", nginx && *nginx > 0 ? json::value(round3(medians.requests_per_s / *nginx))
                                                                : json::value(nullptr)}};
    if (!error_kinds.empty()) {
      json::object kinds;
      for (const auto& [kind, count] : error_kinds) kinds[kind] = count;
      figures["error_kinds"] = std::move(kinds);
    }
    if (reconnects > 0) figures["reconnects"] = reconnects;
    if (drain_timed_out) figures["drain_timed_out"] = true;
    out[target.name] = std::move(figures);
  }
  return out;
}

void log_ratio_table(const std::vector<TargetFigures>& targets) {
  const auto nginx = nginx_median(targets);
  spdlog::info("{:<10} {:>12} {:>7} {:>8} {:>8} {:>8} {:>14} {:>14}", "target", "req/s (med)", "ratio", "p50 ms",
               "p99 ms", "errors", "server us/req", "client us/req");
  for (const auto& target : targets) {
    if (target.rounds.empty()) continue;
    const auto m = medians_of(target);
    const std::string ratio = nginx && *nginx > 0 ? fmt::format("{:.3f}", m.requests_per_s / *nginx) : "-";
    const auto us = [](double value) { return value >= 0 ? fmt::format("{:.1f}", value) : std::string("-"); };
    spdlog::info("{:<10} {:>12.0f} {:>7} {:>8.3f} {:>8.3f} {:>8} {:>14} {:>14}", target.name, m.requests_per_s, ratio,
                 m.p50_ms, m.p99_ms, m.errors, us(m.server_cpu_us_per_request), us(m.client_cpu_us_per_request));
  }
}

}  // namespace herald::bench
