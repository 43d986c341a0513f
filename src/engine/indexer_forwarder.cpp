#include "engine/indexer_forwarder.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/secrets.h"
#include "engine/bulk_body.h"

namespace herald::engine {

namespace {

// A buffered record is "<index> <alert json>": index names hold no space (check_index_pattern).
void append_record(std::string& body, std::string_view record) {
  const auto space = record.find(' ');
  append_bulk_item(body, record.substr(0, space), space == std::string_view::npos ? "" : record.substr(space + 1));
}

std::int64_t seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

core::Result<std::unique_ptr<IndexerForwarder>> IndexerForwarder::open(IndexerOptions options,
                                                                       core::MetricsRegistry& metrics) {
  if (options.hosts.empty()) return core::invalid_argument("indexer: hosts is empty");
  if (auto pattern = check_index_pattern(options.index_pattern); !pattern) {
    return core::invalid_argument("indexer: " + pattern.error().message);
  }
  if (options.batch_max_docs == 0 || options.batch_max_bytes == 0) {
    return core::invalid_argument("indexer: batch_max_docs and batch_max_bytes must be positive");
  }
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::vector<IndexerUrl> urls;
  for (const auto& host : options.hosts) {
    auto url = parse_indexer_url(host);
    if (!url) return core::invalid_argument("indexer: " + url.error().message);
    if (url->tls && !tls) {
      auto context = make_client_tls_context(options.ca_file);
      if (!context) return core::invalid_argument("indexer: " + context.error().message);
      tls = std::move(*context);
    }
    urls.push_back(std::move(*url));
  }
  const std::string authorization =
      options.username.empty() ? "" : "Basic " + auth::base64_encode(options.username + ":" + options.password);
  std::vector<std::unique_ptr<BulkClient>> clients;
  for (auto& url : urls) {
    clients.push_back(std::make_unique<BulkClient>(std::move(url), tls, authorization, options.request_timeout));
  }
  auto buffer = AlertBuffer::open({options.buffer_dir, options.buffer_max_bytes,
                                   std::clamp<std::uint64_t>(options.buffer_max_bytes / 8, 4096, 16ull << 20)});
  if (!buffer) return core::Error{buffer.error().kind, "indexer buffer: " + buffer.error().message};
  return std::unique_ptr<IndexerForwarder>(
      new IndexerForwarder(std::move(options), std::move(*buffer), std::move(clients), metrics));
}

IndexerForwarder::IndexerForwarder(IndexerOptions options, std::unique_ptr<AlertBuffer> buffer,
                                   std::vector<std::unique_ptr<BulkClient>> clients, core::MetricsRegistry& metrics)
    : options_(std::move(options)),
      buffer_(std::move(buffer)),
      clients_(std::move(clients)),
      sent_(metrics.counter("herald_indexer_alerts_sent_total", "Alerts the indexer acknowledged")),
      failed_requests_(metrics.counter("herald_indexer_failed_requests_total",
                                       "Bulk requests that failed (connection error, TLS, non-2xx reply)")),
      rejected_(metrics.counter("herald_indexer_rejected_total", "Alerts the indexer refused (4xx item), dropped")),
      dropped_(metrics.counter("herald_indexer_dropped_total", "Alerts not buffered for the indexer (buffer full)")),
      buffer_bytes_(metrics.gauge("herald_indexer_buffer_bytes", "Bytes of alerts buffered, not yet acknowledged")) {
  buffer_bytes_.set(static_cast<double>(buffer_->unsent_bytes()));
}

IndexerForwarder::~IndexerForwarder() {
  stop();
}

void IndexerForwarder::start() {
  std::lock_guard lock(mutex_);
  if (sender_.joinable() || stopping_) return;
  sender_ = std::thread([this] { run(); });
}

void IndexerForwarder::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& client : clients_) client->interrupt();
  if (sender_.joinable()) sender_.join();
}

void IndexerForwarder::deliver(const analysis::AlertRecord& alert) {
  std::int64_t seconds = alert_epoch_seconds(alert.id);
  if (seconds < 0) seconds = seconds_now();
  std::string record = index_name(options_.index_pattern, seconds);
  record.reserve(record.size() + 1 + alert.json.size());
  record += ' ';
  record += alert.json;
  auto appended = buffer_->append(record);
  if (!appended || !*appended) {
    dropped_.inc();
    if (!appended) spdlog::warn("indexer: alert {} not buffered: {}", alert.id, appended.error().message);
    return;
  }
  buffer_bytes_.set(static_cast<double>(buffer_->unsent_bytes()));
  if (buffer_->unsent_records() == options_.batch_max_docs) wake_.notify_one();
}

bool IndexerForwarder::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [&] { return stopping_; });
}

void IndexerForwarder::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.flush_interval,
                     [&] { return stopping_ || buffer_->unsent_records() >= options_.batch_max_docs; });
      if (stopping_) return;
    }
    // Full batches go at once; the remainder waits for the next flush interval (or a full batch).
    while (buffer_->unsent_records() > 0) {
      const bool full = buffer_->unsent_records() >= options_.batch_max_docs;
      if (auto synced = buffer_->sync(); !synced) spdlog::warn("indexer buffer: {}", synced.error().message);
      auto batch = buffer_->read(options_.batch_max_docs, options_.batch_max_bytes);
      if (!batch) {
        spdlog::error("indexer buffer: {}", batch.error().message);
        if (!pause(options_.retry_max)) return;
        break;
      }
      if (batch->records.empty()) {
        // Nothing in this segment: move on (read steps into the next one on its next call).
        if (auto committed = buffer_->commit(batch->end, 0); !committed)
          spdlog::warn("indexer buffer: {}", committed.error().message);
        continue;
      }
      if (!send_batch(*batch)) return;
      for (;;) {
        auto committed = buffer_->commit(batch->end, batch->records.size());
        if (committed) break;
        // Sent but not marked so: a restart would send the batch again (at-least-once).
        spdlog::error("indexer buffer: {}", committed.error().message);
        if (!pause(options_.retry_max)) return;
      }
      buffer_bytes_.set(static_cast<double>(buffer_->unsent_bytes()));
      if (!full) break;
    }
  }
}

core::Result<BulkReply> IndexerForwarder::post_until_accepted(const std::string& body) {
  auto delay = options_.retry_initial;
  for (;;) {
    for (std::size_t tried = 0; tried < clients_.size(); ++tried) {
      auto& client = *clients_[next_client_];
      next_client_ = (next_client_ + 1) % clients_.size();
      auto reply = client.post("/_bulk", body);
      if (reply && reply->status >= 200 && reply->status < 300) return reply;
      failed_requests_.inc();
      if (!reply) {
        spdlog::warn("indexer: {}", reply.error().message);
      } else {
        spdlog::warn("indexer: {} answered {} to a bulk request{}", client.url().text, reply->status,
                     retryable_status(reply->status) ? "" : " (sent again after a pause: check the indexer settings)");
      }
    }
    if (!pause(delay)) return core::unavailable("stopping");
    delay = std::min(delay * 2, options_.retry_max);
  }
}

bool IndexerForwarder::send_batch(const BufferBatch& batch) {
  // Indexes into batch.records of the documents still to settle.
  std::vector<std::size_t> pending(batch.records.size());
  for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  auto delay = options_.retry_initial;
  std::string body;
  while (!pending.empty()) {
    body.clear();
    for (auto i : pending) append_record(body, batch.records[i]);
    auto reply = post_until_accepted(body);
    if (!reply) return false;
    auto response = parse_bulk_response(reply->body);
    if (!response || response->items.size() != pending.size()) {
      // An answer that does not say what became of each document: they all go again.
      failed_requests_.inc();
      spdlog::warn("indexer: unusable bulk reply ({})", response ? "wrong number of items" : response.error().message);
      if (!pause(delay)) return false;
      delay = std::min(delay * 2, options_.retry_max);
      continue;
    }
    std::vector<std::size_t> again;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      const auto& item = response->items[k];
      if (item.status >= 200 && item.status < 300) {
        sent_.inc();
      } else if (retryable_status(item.status)) {
        again.push_back(pending[k]);
      } else {
        rejected_.inc();
        spdlog::warn("indexer: alert refused ({}): {}", item.status, item.error);
      }
    }
    pending = std::move(again);
    if (!pending.empty()) {
      if (!pause(delay)) return false;
      delay = std::min(delay * 2, options_.retry_max);
    }
  }
  return true;
}

}  // namespace herald::engine
