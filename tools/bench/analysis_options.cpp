#include "analysis_options.h"

#include <iostream>
#include <string_view>

#include "option_parser.h"

namespace herald::bench {

namespace {

constexpr const char* kHelp = R"(usage: herald-bench analysis [options]

The analysis engine in-process (no server): a mix of sshd, PAM, sudo and web access lines from
1,000 agents through Herald's decoders and rules, as heraldd's workers run them.
  1. one core: one analyzer, events/s (median of the rounds);
  2. all cores: one analyzer per thread, agents partitioned as heraldd's workers do;
  3. latency: heraldd's AnalysisService (queues + workers) paced at a fraction of phase 2's rate,
     the time from submit to alert, p50/p99;
and the resident memory after loading the ruleset and after the runs.

Options:
  --ruleset-dir DIR     add a ruleset directory (a 4.x ruleset/ or etc/), repeatable
  --no-default-ruleset  leave Herald's built-in ruleset out (to measure a whole 4.x ruleset alone)
  --events N            events per throughput round (default 200000)
  --rounds N            throughput rounds, the median is reported (default 5)
  --threads N           threads of the all-cores and latency phases (default: one per core)
  --latency-seconds S   length of the paced phase (default 5)
  --load-fraction F     paced rate as a fraction of the all-cores rate (default 0.5)
  --latency-rate R      paced rate in events/s instead (on a shared machine, where half of a
                        measured rate need not be half of what is left)
  --agents N            agents in the mix (default 1000)
  --addresses N         client addresses in the mix (default 5000)
)";

}  // namespace

std::optional<AnalysisBenchOptions> parse_analysis_options(int argc, char** argv, bool& help_shown) {
  AnalysisBenchOptions options;
  const bool parsed = parse_plain_options(
      "analysis", argc, argv, kHelp, help_shown,
      [&](std::string_view arg) {
        if (arg != "--no-default-ruleset") return false;
        options.default_ruleset = false;
        return true;
      },
      [&](std::string_view arg, std::string_view value) -> std::optional<bool> {
        bool ok = true;
        if (arg == "--ruleset-dir")
          options.ruleset_dirs.emplace_back(value);
        else if (arg == "--events")
          ok = parse_number(value, options.events) && options.events > 0;
        else if (arg == "--rounds")
          ok = parse_number(value, options.rounds) && options.rounds > 0;
        else if (arg == "--threads")
          ok = parse_number(value, options.threads);
        else if (arg == "--latency-seconds")
          ok = parse_number(value, options.latency_seconds) && options.latency_seconds > 0;
        else if (arg == "--load-fraction")
          ok = parse_number(value, options.load_fraction) && options.load_fraction > 0 && options.load_fraction <= 1;
        else if (arg == "--latency-rate")
          ok = parse_number(value, options.latency_rate) && options.latency_rate > 0;
        else if (arg == "--agents")
          ok = parse_number(value, options.mix.agents) && options.mix.agents > 0;
        else if (arg == "--addresses")
          ok = parse_number(value, options.mix.source_addresses) && options.mix.source_addresses > 0;
        else
          return std::nullopt;
        return ok;
      });
  if (!parsed) return std::nullopt;
  if (!options.default_ruleset && options.ruleset_dirs.empty()) {
    std::cerr << "herald-bench analysis: --no-default-ruleset needs at least one --ruleset-dir\n";
    return std::nullopt;
  }
  return options;
}

}  // namespace herald::bench
