// `herald-bench alerts forwarder`: engine::IndexerForwarder, as heraldd runs it, shipping alerts
// to a BulkReceiver on loopback. The alerts are real: Herald's ruleset run over the analysis
// bench's event mix (sshd, PAM, sudo, web access), the first --distinct alerts kept and delivered
// in turn until --alerts have gone. A round ends when the forwarder counts the last batch as sent.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "alerts_bench.h"
#include "analysis/analyzer.h"
#include "analysis/ruleset.h"
#include "analysis_events.h"
#include "app/default_ruleset.h"
#include "bulk_receiver.h"
#include "core/metrics.h"
#include "engine/indexer_forwarder.h"
#include "latency_stats.h"
#include "option_parser.h"
#include "spawned_server.h"

namespace herald::bench {

namespace json = boost::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kHelp = R"(usage: herald-bench alerts forwarder [options]

The indexer forwarder in-process: alerts appended to its durable buffer (deliver(), as the
analysis workers do), read in batches by its sender thread, fdatasync'ed and POSTed to a loopback
_bulk receiver that answers every document 201. Per round: wall alerts/s from the first deliver()
to the last batch settled (acknowledged and counted as sent), and alerts per CPU-second of the process (getrusage) without the
receiver thread's own CPU. The median round is reported.

Options:
  --alerts N        alerts per round (default 200000; rounded up to a multiple of --batch-docs,
                    so no round waits on the flush interval for a partial batch)
  --rounds N        rounds (default 5)
  --batch-docs N    alerts.indexer.batch_max_docs (default 500, heraldd's default)
  --distinct N      distinct alerts produced by the analyzer and cycled (default 20000)
  --flush-ms N      alerts.indexer.flush_interval in ms (default 10; heraldd's default is 1000).
                    Full batches go at once whatever it is; it only decides how long a partial
                    batch waits (one at each 16 MiB buffer segment end, and the round's tail)
  --buffer-dir DIR  where the forwarder's buffer lives (default: a fresh directory under
                    $TMPDIR or /tmp; its file system decides what fdatasync costs)
)";

struct ForwarderBenchOptions {
  std::size_t alerts = 200'000;
  std::size_t rounds = 5;
  std::size_t batch_docs = 500;
  std::size_t distinct = 20'000;
  long flush_ms = 10;
  std::string buffer_dir;
};

std::optional<ForwarderBenchOptions> parse_options(int argc, char** argv, bool& help_shown) {
  ForwarderBenchOptions options;
  const bool parsed = parse_plain_options(
      "alerts forwarder", argc, argv, kHelp, help_shown, [](std::string_view) { return false; },
      [&](std::string_view arg, std::string_view value) -> std::optional<bool> {
        bool ok = true;
        if (arg == "--alerts")
          ok = parse_number(value, options.alerts) && options.alerts > 0;
        else if (arg == "--rounds")
          ok = parse_number(value, options.rounds) && options.rounds > 0;
        else if (arg == "--batch-docs")
          ok = parse_number(value, options.batch_docs) && options.batch_docs > 0;
        else if (arg == "--distinct")
          ok = parse_number(value, options.distinct) && options.distinct > 0;
        else if (arg == "--flush-ms")
          ok = parse_number(value, options.flush_ms) && options.flush_ms > 0;
        else if (arg == "--buffer-dir")
          options.buffer_dir = value;
        else
          return std::nullopt;
        return ok;
      });
  if (!parsed) return std::nullopt;
  options.alerts = (options.alerts + options.batch_docs - 1) / options.batch_docs * options.batch_docs;
  return options;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

// Herald's ruleset over the analysis bench's mix until `wanted` alerts have been raised.
std::vector<analysis::AlertRecord> make_alerts(std::size_t wanted) {
  analysis::RulesetSources sources;
  analysis::add_embedded(sources, app::default_ruleset_files(), "herald", {});
  analysis::LoadWarnings warnings;
  auto ruleset = analysis::Ruleset::load(sources, warnings);
  if (!ruleset) throw std::runtime_error(ruleset.error().message);
  analysis::Analyzer analyzer(*ruleset, {.manager_name = "bench"});
  const EventMix mix;
  const std::int64_t base_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<analysis::AlertRecord> alerts;
  alerts.reserve(wanted);
  for (std::uint64_t i = 0; alerts.size() < wanted; ++i) {
    const auto e = make_bench_event(mix, i);
    const analysis::RawEvent raw{e.agent_id, e.agent_name, "any", '1', e.location, e.message};
    if (auto alert = analyzer.analyze(raw, base_seconds + static_cast<std::int64_t>(i / 10'000))) {
      alerts.push_back(std::move(*alert));
    }
  }
  return alerts;
}

struct RoundResult {
  double seconds = 0;          // first deliver() to last batch settled
  double deliver_seconds = 0;  // the deliver() calls alone
  double cpu_seconds = 0;      // process CPU without the receiver thread
  double receiver_cpu_seconds = 0;
  std::uint64_t requests = 0;
  std::uint64_t body_bytes = 0;
  std::uint64_t received = 0;  // documents the receiver counted (more than sent: some went twice)
};

RoundResult run_round(const ForwarderBenchOptions& options, const std::vector<analysis::AlertRecord>& alerts,
                      const fs::path& buffer_dir) {
  std::error_code ec;
  fs::remove_all(buffer_dir, ec);
  BulkReceiver receiver;
  core::MetricsRegistry metrics;
  engine::IndexerOptions indexer;
  indexer.hosts = {"http://127.0.0.1:" + std::to_string(receiver.port())};
  indexer.batch_max_docs = options.batch_docs;
  indexer.flush_interval = std::chrono::milliseconds(options.flush_ms);
  indexer.buffer_dir = buffer_dir.string();
  indexer.buffer_max_bytes = 8ull << 30;  // a round never drops for lack of room
  auto forwarder = engine::IndexerForwarder::open(indexer, metrics);
  if (!forwarder) throw std::runtime_error(forwarder.error().message);
  (*forwarder)->start();

  RoundResult result;
  const double cpu_start = self_cpu_seconds();
  const double receiver_cpu_start = receiver.cpu_seconds();
  const auto start = Clock::now();
  for (std::size_t i = 0; i < options.alerts; ++i) (*forwarder)->deliver(alerts[i % alerts.size()]);
  result.deliver_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  // The round ends when the forwarder has settled the last batch (its sent counter), not when the
  // receiver has answered it: stopping between the two would cut off the reply being read.
  const auto& sent = metrics.counter("herald_indexer_alerts_sent_total", "Alerts the indexer acknowledged");
  const auto deadline = Clock::now() + std::chrono::seconds(600);
  while (sent.value() < options.alerts) {
    if (Clock::now() > deadline) throw std::runtime_error("the receiver did not get every alert within 600 s");
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.receiver_cpu_seconds = receiver.cpu_seconds() - receiver_cpu_start;
  result.cpu_seconds = self_cpu_seconds() - cpu_start - result.receiver_cpu_seconds;
  result.requests = receiver.requests();
  result.body_bytes = receiver.body_bytes();
  result.received = receiver.documents();
  (*forwarder)->stop();
  if (result.received != options.alerts) {
    spdlog::warn("receiver got {} documents for {} alerts", result.received, options.alerts);
  }
  fs::remove_all(buffer_dir, ec);
  return result;
}

}  // namespace

int run_alerts_forwarder(int argc, char** argv) {
  bool help_shown = false;
  const auto options = parse_options(argc, argv, help_shown);
  if (!options) return help_shown ? 0 : 2;
  try {
    spdlog::info("analysing the event mix for {} alerts", options->distinct);
    const auto alerts = make_alerts(options->distinct);
    std::size_t json_bytes = 0;
    for (const auto& a : alerts) json_bytes += a.json.size();
    const fs::path base = options->buffer_dir.empty()
                              ? fs::temp_directory_path() / ("herald-bench-forwarder-" + std::to_string(::getpid()))
                              : fs::path(options->buffer_dir);
    std::vector<double> rates, cpu_rates, deliver_rates;
    json::array rounds;
    for (std::size_t round = 0; round < options->rounds; ++round) {
      const auto r = run_round(*options, alerts, base / "buffer");
      const double n = static_cast<double>(options->alerts);
      rates.push_back(n / r.seconds);
      cpu_rates.push_back(n / r.cpu_seconds);
      deliver_rates.push_back(n / r.deliver_seconds);
      spdlog::info(
          "round {}: {:.0f} alerts/s, {:.0f} per CPU-second ({:.3f} s, {:.3f} CPU-s, receiver {:.3f} CPU-s, {} "
          "requests)",
          round + 1, rates.back(), cpu_rates.back(), r.seconds, r.cpu_seconds, r.receiver_cpu_seconds, r.requests);
      rounds.push_back({{"seconds", round3(r.seconds)},
                        {"cpu_seconds", round3(r.cpu_seconds)},
                        {"receiver_cpu_seconds", round3(r.receiver_cpu_seconds)},
                        {"deliver_seconds", round3(r.deliver_seconds)},
                        {"requests", r.requests},
                        {"received_documents", r.received},
                        {"body_mib", round3(static_cast<double>(r.body_bytes) / (1 << 20))}});
    }
    std::error_code ec;
    if (options->buffer_dir.empty()) fs::remove_all(base, ec);
    double load[3] = {0, 0, 0};
    ::getloadavg(load, 3);
    json::object result{
        {"command", "alerts forwarder"},
        {"alerts_per_round", options->alerts},
        {"batch_max_docs", options->batch_docs},
        {"flush_interval_ms", options->flush_ms},
        {"distinct_alerts", alerts.size()},
        {"mean_alert_bytes", round3(static_cast<double>(json_bytes) / static_cast<double>(alerts.size()))},
        {"buffer_dir", (base / "buffer").string()},
        {"median_alerts_per_s", std::round(median(rates))},
        {"median_alerts_per_cpu_s", std::round(median(cpu_rates))},
        {"median_deliver_per_s", std::round(median(deliver_rates))},
        {"rounds", rounds},
        {"loadavg_at_end", json::array{round3(load[0]), round3(load[1]), round3(load[2])}}};
    std::cout << json::serialize(result) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "herald-bench alerts forwarder: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace herald::bench
