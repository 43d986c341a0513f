#include "engine/analysis_service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>

namespace herald::engine {

struct AnalysisService::Worker {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<AnalysisInput> queue;
  bool stopping = false;
  std::thread thread;
};

namespace {

// Latency buckets for event-to-alert time, in seconds: the goal is p99 < 10 ms.
std::vector<double> latency_buckets() { return {0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5}; }

}  // namespace

AnalysisService::AnalysisService(AnalysisOptions options, std::shared_ptr<const analysis::Ruleset> ruleset,
                                 AlertHandler on_alert, const core::Clock& clock, core::MetricsRegistry& metrics)
    : options_(std::move(options)), on_alert_(std::move(on_alert)), clock_(clock), ruleset_(std::move(ruleset)) {
  const std::size_t count = options_.workers == 0 ? 1 : options_.workers;
  for (std::size_t i = 0; i < count; ++i) workers_.push_back(std::make_unique<Worker>());
  options_.analyzer.alert_sequence = &alert_sequence_;
  analysed_ = &metrics.counter("herald_analysis_events_total", "Events decoded and matched against the ruleset");
  dropped_ = &metrics.counter("herald_analysis_events_dropped_total",
                              "Events not analysed because their worker's queue was full (they are in the event sink)");
  alerts_ = &metrics.counter("herald_analysis_alerts_total", "Alerts raised by the analysis engine");
  options_.analyzer.eventchannel_dropped =
      &metrics.counter("herald_analysis_eventchannel_dropped_total",
                       "Windows event channel events (queue f) dropped as Wazuh drops them: not JSON or without an Event member");
  options_.analyzer.eventchannel_unreadable_xml =
      &metrics.counter("herald_analysis_eventchannel_unreadable_xml_total",
                       "Windows event channel events whose XML could not be read (analysed from their message alone)");
  latency_ = &metrics.histogram("herald_analysis_event_seconds", "Time from an event's arrival to the end of its analysis",
                                latency_buckets());
  metrics.gauge_callback("herald_analysis_queued_events", "Events waiting for an analysis worker", {}, [this] {
    return core::MetricsRegistry::Samples{{{}, static_cast<double>(queued())}};
  });
}

AnalysisService::~AnalysisService() { stop(); }

void AnalysisService::start() {
  if (started_) return;
  started_ = true;
  for (auto& worker : workers_) {
    worker->thread = std::thread([this, &worker = *worker] { run(worker); });
  }
}

void AnalysisService::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& worker : workers_) {
    {
      std::lock_guard lock(worker->mutex);
      worker->stopping = true;
    }
    worker->wake.notify_one();
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
}

void AnalysisService::submit(std::vector<AnalysisInput> events) {
  if (forwarder_) {
    forwarder_(std::move(events));
    return;
  }
  analyse_here(std::move(events));
}

void AnalysisService::analyse_here(std::vector<AnalysisInput> events) {
  // Group by worker first so that each queue is locked once per call, not once per event.
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::vector<AnalysisInput*>> per_worker(workers_.size());
  for (auto& event : events) event.received = now;
  for (auto& event : events) per_worker[std::hash<std::string>{}(event.agent_id) % workers_.size()].push_back(&event);
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (per_worker[i].empty()) continue;
    auto& worker = *workers_[i];
    std::size_t dropped = 0;
    {
      std::lock_guard lock(worker.mutex);
      for (auto* event : per_worker[i]) {
        if (worker.queue.size() >= options_.queue_capacity || worker.stopping) {
          ++dropped;
          if (event->done) event->done(false);
          continue;
        }
        worker.queue.push_back(std::move(*event));
      }
    }
    worker.wake.notify_one();
    if (dropped > 0) dropped_->inc(dropped);
  }
}

void AnalysisService::replace_ruleset(std::shared_ptr<const analysis::Ruleset> ruleset) {
  {
    std::lock_guard lock(ruleset_mutex_);
    ruleset_ = std::move(ruleset);
  }
  ruleset_generation_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<const analysis::Ruleset> AnalysisService::ruleset() const {
  std::lock_guard lock(ruleset_mutex_);
  return ruleset_;
}

std::size_t AnalysisService::queued() const {
  std::size_t total = 0;
  for (const auto& worker : workers_) {
    std::lock_guard lock(worker->mutex);
    total += worker->queue.size();
  }
  return total;
}

void AnalysisService::run(Worker& worker) {
  std::uint64_t generation = ruleset_generation_.load(std::memory_order_acquire);
  analysis::Analyzer analyzer(ruleset(), options_.analyzer);
  std::deque<AnalysisInput> batch;
  for (;;) {
    {
      std::unique_lock lock(worker.mutex);
      worker.wake.wait(lock, [&] { return worker.stopping || !worker.queue.empty(); });
      if (worker.queue.empty()) return;  // stopping, and everything queued was analysed
      batch.swap(worker.queue);
    }
    if (const auto current = ruleset_generation_.load(std::memory_order_acquire); current != generation) {
      generation = current;
      analyzer.replace_ruleset(ruleset());
    }
    std::size_t analysed = 0;
    for (const auto& input : batch) {
      const std::int64_t now = clock_.now_seconds();
      try {
        if (input.kind == AnalysisInput::Kind::stateless_body) {
          analysed += analyzer.analyze_stateless(input.agent_id, input.message, now, [this](analysis::AlertRecord&& alert) {
            alerts_->inc();
            on_alert_(alert);
          });
        } else {
          ++analysed;
          const analysis::RawEvent event{input.agent_id, input.agent_name, input.agent_ip,
                                         input.queue,    input.location,   input.message};
          if (auto alert = analyzer.analyze(event, now)) {
            alerts_->inc();
            on_alert_(*alert);
          }
        }
      } catch (const std::exception& e) {  // allocation failure: lose this event, not the worker
        spdlog::error("analysis: an event of agent {} was not analysed: {}", input.agent_id, e.what());
      }
      latency_->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - input.received).count());
      if (input.done) input.done(true);
    }
    analysed_->inc(analysed);
    processed_.fetch_add(batch.size(), std::memory_order_release);
    batch.clear();
  }
}

}  // namespace herald::engine
