#pragma once
// Where the analysis engine's alerts go: `<data_dir>/alerts/alerts.json` (one Wazuh alert JSON per
// line, rotated like the event sink) and the bus (`wazuh.alerts.<level>.<rule id>`). An output
// that fails loses the alert for that output only, and counts it on /metrics. Optionally the
// indexer forwarder too (indexer_forwarder.h), which only buffers here.
#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/alert_store_writer.h"
#include "engine/bus_publisher.h"
#include "engine/indexer_forwarder.h"
#include "engine/integration_sender.h"
#include "engine/rotating_file.h"

namespace herald::engine {

struct AlertOutputsOptions {
  std::string directory;  // holds alerts.json and its rotations
  std::uint64_t max_file_bytes = 64ull << 20;
  int max_files = 8;
};

class AlertOutputs {
 public:
  // Errors as RotatingFile::open.
  static core::Result<std::unique_ptr<AlertOutputs>> open(AlertOutputsOptions options, BusPublisher& publisher,
                                                          core::MetricsRegistry& metrics);

  // Safe for concurrent use (the analysis workers call it).
  void deliver(const analysis::AlertRecord& alert);

  std::string file_path(int generation = 0) const { return file_->path(generation); }

  // Alerts delivered from now on are also shipped by `forwarder` (started by the caller, stopped
  // when the outputs go). REQUIRES: before the first deliver().
  void ship_to_indexer(std::unique_ptr<IndexerForwarder> forwarder) { indexer_ = std::move(forwarder); }
  // Likewise for an integration (Slack, PagerDuty, webhook). REQUIRES: before the first deliver().
  void send_to_integration(std::unique_ptr<IntegrationSender> sender) { integrations_.push_back(std::move(sender)); }
  // Alerts delivered from now on are also stored (GET /alerts) by `writer` (started by the
  // caller, stopped when the outputs go). REQUIRES: before the first deliver().
  void store_in(std::unique_ptr<AlertStoreWriter> writer) { store_writer_ = std::move(writer); }
  // Writes the alerts still queued for the store and stops storing (before the store closes).
  void stop_storing() {
    if (store_writer_) store_writer_->stop();
  }

 private:
  AlertOutputs(std::unique_ptr<RotatingFile> file, BusPublisher& publisher, core::MetricsRegistry& metrics);

  std::unique_ptr<RotatingFile> file_;
  BusPublisher& publisher_;
  core::Counter& file_failures_;
  std::unique_ptr<IndexerForwarder> indexer_;  // null: not configured
  std::vector<std::unique_ptr<IntegrationSender>> integrations_;
  std::unique_ptr<AlertStoreWriter> store_writer_;  // null: not stored
};

}  // namespace herald::engine
