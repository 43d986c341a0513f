#pragma once
// Write-behind of alerts into the store (GET /alerts): the analysis workers hand alerts over
// without waiting (a bounded queue; when it is full the alert is dropped from the store only and
// counted as herald_alerts_lost_total{output="store"}), one thread writes them in batches, one
// transaction each, and purges those older than the retention in batches.
//
//   AlertStoreWriter writer(store, {.retention_seconds = 30 * 86400}, clock, metrics);
//   writer.start();
//   writer.deliver(alert);  // from any thread, never blocks on the store
//   writer.stop();          // writes what is queued, then joins
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "analysis/analyzer.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "store/alert_store.h"

namespace herald::engine {

struct AlertStoreWriterOptions {
  std::size_t queue_capacity = 65'536;  // alerts waiting for the store before new ones are dropped
  std::size_t batch_size = 1'000;       // alerts per transaction, at most
  std::int64_t retention_seconds = 30 * 86'400;  // 0: kept forever
  std::int64_t purge_batch = 5'000;              // alerts deleted per transaction
  std::chrono::milliseconds purge_interval = std::chrono::minutes(10);
};

class AlertStoreWriter {
 public:
  AlertStoreWriter(store::AlertStore& store, AlertStoreWriterOptions options, const core::Clock& clock,
                   core::MetricsRegistry& metrics);
  ~AlertStoreWriter() { stop(); }
  AlertStoreWriter(const AlertStoreWriter&) = delete;
  AlertStoreWriter& operator=(const AlertStoreWriter&) = delete;

  void start();
  // Writes what is queued, then joins. Idempotent.
  void stop();
  // Safe for concurrent use; never waits for the store.
  void deliver(const analysis::AlertRecord& alert);
  // Deletes every alert older than the retention now, in batches; returns how many went.
  std::int64_t purge_expired();

 private:
  void run();
  void write(std::deque<analysis::AlertRecord>& batch);

  store::AlertStore& store_;
  const AlertStoreWriterOptions options_;
  const core::Clock& clock_;
  core::Counter& dropped_;
  core::Counter& stored_;
  core::Counter& purged_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<analysis::AlertRecord> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald::engine
