#pragma once
// Data flow 7 (ARCHITECTURE.md): agent events -> analysis workers -> alerts. Events are handed
// over after the event sink has them, so analysis never slows an agent down: each worker has a
// bounded queue, and an event that finds its queue full is dropped from analysis (it is still in
// events.ndjson) and counted on /metrics.
//
// One worker per core. An agent's events always go to the same worker, in order, so every
// correlation within one agent (frequency, same_*, if_matched_*) is exact; correlations across
// agents see only the agents of the same worker (README "Detecting threats").
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analysis/analyzer.h"
#include "core/clock.h"
#include "core/metrics.h"

namespace herald::engine {

// An event as the listeners received it, owned: a 4.x agent's message (queue, location,
// message), or a new agent's whole stateless body (in `message`, one analysis per log line).
struct AnalysisInput {
  enum class Kind : std::uint8_t { message, stateless_body };
  Kind kind = Kind::message;
  std::string agent_id;
  std::string agent_name;
  std::string agent_ip;
  char queue = '1';
  std::string location;
  std::string message;
  std::chrono::steady_clock::time_point received{};  // stamped by submit()
  // Called once when the worker is done with this input (true), or when it was not queued (false):
  // an input consumed from the analysis stream is acked only once analysed (analysis_stream.h).
  std::function<void(bool analysed)> done;
};

// Where alerts go: the alert log and the bus. Called from the worker threads, concurrently.
using AlertHandler = std::function<void(const analysis::AlertRecord&)>;

struct AnalysisOptions {
  std::size_t workers = 2;
  std::size_t queue_capacity = 65'536;  // events per worker
  analysis::AnalyzerOptions analyzer;
};

class AnalysisService {
 public:
  AnalysisService(AnalysisOptions options, std::shared_ptr<const analysis::Ruleset> ruleset, AlertHandler on_alert,
                  const core::Clock& clock, core::MetricsRegistry& metrics);
  ~AnalysisService();
  AnalysisService(const AnalysisService&) = delete;
  AnalysisService& operator=(const AnalysisService&) = delete;

  void start();
  // Analyses what is queued, then joins the workers. Idempotent.
  void stop();

  // Queues events for analysis, or hands them to the forwarder if one is set. Never blocks; safe
  // for concurrent use.
  void submit(std::vector<AnalysisInput> events);
  // Queues events on this node's workers whatever the forwarder: what the analysis stream
  // consumed, or could not publish.
  void analyse_here(std::vector<AnalysisInput> events);
  // analysis.mode jetstream: submit() hands everything to `forwarder` (the analysis stream)
  // instead of analysing it here. REQUIRES: called before the first submit().
  using Forwarder = std::function<void(std::vector<AnalysisInput>)>;
  void forward_to(Forwarder forwarder) { forwarder_ = std::move(forwarder); }

  // Every worker switches to `ruleset` before its next event (its correlation state restarts).
  void replace_ruleset(std::shared_ptr<const analysis::Ruleset> ruleset);
  std::shared_ptr<const analysis::Ruleset> ruleset() const;
  // What the workers' analyzers are built with (manager name, alert level, MITRE names), for
  // analyzers run elsewhere (logtest sessions).
  const analysis::AnalyzerOptions& analyzer_options() const { return options_.analyzer; }

  // Events queued and not analysed yet, over all workers.
  std::size_t queued() const;
  // Log events analysed since start (a stateless body counts its messages).
  std::uint64_t analysed() const { return analysed_->value(); }
  // Inputs submit() accepted and the workers finished with (tests await this instead of sleeping).
  std::uint64_t processed() const { return processed_.load(std::memory_order_acquire); }

 private:
  struct Worker;
  void run(Worker& worker);

  AnalysisOptions options_;
  AlertHandler on_alert_;
  Forwarder forwarder_;
  const core::Clock& clock_;
  mutable std::mutex ruleset_mutex_;
  std::shared_ptr<const analysis::Ruleset> ruleset_;
  std::atomic<std::uint64_t> ruleset_generation_{0};
  std::atomic<std::uint64_t> alert_sequence_{0};  // shared by the workers' analyzers
  std::atomic<std::uint64_t> processed_{0};
  std::vector<std::unique_ptr<Worker>> workers_;
  core::Counter* analysed_;
  core::Counter* dropped_;
  core::Counter* alerts_;
  core::Histogram* latency_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace herald::engine
