#include "engine/alert_store_writer.h"

#include <spdlog/spdlog.h>

#include "engine/stored_alert.h"

namespace herald::engine {

AlertStoreWriter::AlertStoreWriter(store::AlertStore& store, AlertStoreWriterOptions options,
                                   const core::Clock& clock, core::MetricsRegistry& metrics)
    : store_(store),
      options_(options),
      clock_(clock),
      dropped_(metrics.counter("herald_alerts_lost_total", "Alerts an output could not take", {"output"}, {"store"})),
      stored_(metrics.counter("herald_alerts_stored_total", "Alerts written to the store (GET /alerts)")),
      purged_(metrics.counter("herald_alerts_purged_total", "Stored alerts deleted past alerts.retention")) {}

void AlertStoreWriter::start() {
  std::lock_guard lock(mutex_);
  stopping_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void AlertStoreWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertStoreWriter::deliver(const analysis::AlertRecord& alert) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.queue_capacity) {
      dropped_.inc();
      return;
    }
    queue_.push_back(alert);
  }
  wake_.notify_one();
}

void AlertStoreWriter::run() {
  auto next_purge = std::chrono::steady_clock::now() + options_.purge_interval;  // first one interval from start
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_until(lock, next_purge, [this] { return stopping_ || !queue_.empty(); });
    if (!queue_.empty()) {
      std::deque<analysis::AlertRecord> batch;
      while (!queue_.empty() && batch.size() < options_.batch_size) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      write(batch);
      lock.lock();
      continue;  // drain before stopping or purging
    }
    if (stopping_) break;
    if (std::chrono::steady_clock::now() >= next_purge) {
      lock.unlock();
      purge_expired();
      lock.lock();
      next_purge = std::chrono::steady_clock::now() + options_.purge_interval;
    }
  }
}

void AlertStoreWriter::write(std::deque<analysis::AlertRecord>& batch) {
  std::vector<store::StoredAlert> rows;
  rows.reserve(batch.size());
  for (const auto& alert : batch) {
    if (auto row = to_stored_alert(alert)) rows.push_back(std::move(*row));
  }
  if (auto written = store_.store_alerts(rows); !written) {
    dropped_.inc(static_cast<std::uint64_t>(batch.size()));
    spdlog::warn("alerts: {} alerts not stored: {}", batch.size(), written.error().message);
    return;
  }
  stored_.inc(static_cast<std::uint64_t>(rows.size()));
}

std::int64_t AlertStoreWriter::purge_expired() {
  if (options_.retention_seconds <= 0) return 0;
  const std::int64_t cutoff_ms = (clock_.now_seconds() - options_.retention_seconds) * 1000;
  std::int64_t total = 0;
  while (true) {
    auto deleted = store_.delete_alerts_before(cutoff_ms, options_.purge_batch);
    if (!deleted) {
      spdlog::warn("alerts: retention purge failed: {}", deleted.error().message);
      break;
    }
    total += *deleted;
    purged_.inc(static_cast<std::uint64_t>(*deleted));
    if (*deleted < options_.purge_batch) break;
  }
  return total;
}

}  // namespace herald::engine
