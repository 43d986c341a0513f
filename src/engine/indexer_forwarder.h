#pragma once
// Ships alerts to an OpenSearch/Elasticsearch-compatible indexer (the Wazuh indexer) through its
// `_bulk` API, as Wazuh's filebeat does: one document per alert, the alert JSON as it is in
// alerts.json, into the index `wazuh-alerts-4.x-YYYY.MM.DD` of the alert's UTC date.
//
// deliver() only appends to a durable on-disk buffer (AlertBuffer), so an analysis worker never
// waits on the network. One sender thread reads batches (batch_max_docs / batch_max_bytes, or what
// is there after flush_interval), fsyncs them, and POSTs them to the hosts in turn (load balancing);
// a host that fails (connection error, 429, 5xx) hands the batch to the next one, with exponential
// back-off between rounds. Items of a 2xx reply with errors:true are sent again when their status
// is 429/5xx and dropped (counted as rejected) otherwise. The buffer position moves only after the
// whole batch is settled, so a restart sends again what was not acknowledged: at-least-once.
//
// Metrics: herald_indexer_alerts_sent_total, herald_indexer_failed_requests_total,
// herald_indexer_rejected_total, herald_indexer_dropped_total (buffer full: the newest alert is
// dropped), herald_indexer_buffer_bytes.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "analysis/analyzer.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/alert_buffer.h"
#include "engine/bulk_client.h"
#include "engine/indexer_options.h"

namespace herald::engine {

class IndexerForwarder {
 public:
  // Checks the options (hosts, pattern, sizes; the CA file loads) and opens the buffer. Errors:
  // invalid_argument for bad options, unavailable when the buffer cannot be opened.
  static core::Result<std::unique_ptr<IndexerForwarder>> open(IndexerOptions options, core::MetricsRegistry& metrics);
  ~IndexerForwarder();  // stops
  IndexerForwarder(const IndexerForwarder&) = delete;
  IndexerForwarder& operator=(const IndexerForwarder&) = delete;

  void start();
  // Stops the sender (a request in flight ends within request_timeout); what was not acknowledged
  // stays in the buffer for the next start. Idempotent.
  void stop();

  // Appends the alert to the buffer; counts it as dropped when the buffer is full or the write
  // fails. Safe for concurrent use; no network.
  void deliver(const analysis::AlertRecord& alert);

 private:
  IndexerForwarder(IndexerOptions options, std::unique_ptr<AlertBuffer> buffer,
                   std::vector<std::unique_ptr<BulkClient>> clients, core::MetricsRegistry& metrics);

  void run();
  // Sends one batch until it is settled or the forwarder stops; false when it stopped first.
  bool send_batch(const BufferBatch& batch);
  // Posts `body` to the hosts in turn until one answers 2xx (its reply), backing off between
  // rounds; an error only when the forwarder stops first.
  core::Result<BulkReply> post_until_accepted(const std::string& body);
  // Waits `delay` unless stop() comes first; false when stopping.
  bool pause(std::chrono::milliseconds delay);

  const IndexerOptions options_;
  std::unique_ptr<AlertBuffer> buffer_;
  std::vector<std::unique_ptr<BulkClient>> clients_;
  std::size_t next_client_ = 0;
  core::Counter& sent_;
  core::Counter& failed_requests_;
  core::Counter& rejected_;
  core::Counter& dropped_;
  core::Gauge& buffer_bytes_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread sender_;
};

}  // namespace herald::engine
