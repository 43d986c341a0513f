#pragma once
// One alert integration (Slack, PagerDuty or a generic webhook), as Wazuh's integratord runs
// them, but durable: deliver() filters the alert, builds its request body
// (integration_payloads.h) and appends it to the integration's own on-disk buffer (AlertBuffer);
// one sender thread POSTs the bodies in order, one request each, as application/json. A network
// error, a 429 or a 5xx is retried with exponential back-off (the body stays first in line); any
// other non-2xx reply drops that body. The buffer position moves only after a body is settled, so
// a restart sends again what was not acknowledged: at-least-once.
//
// Metrics, labelled name=<slack|pagerduty|webhook>: herald_integration_sent_total,
// herald_integration_failed_total (requests that failed), herald_integration_dropped_total
// (buffer full, or refused with a 4xx). The hook URL and the API key are never logged: log lines
// name the integration and its host only.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "analysis/analyzer.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/alert_buffer.h"
#include "engine/bulk_client.h"
#include "engine/integration_options.h"

namespace herald::engine {

class IntegrationSender {
 public:
  // Checks the options (name, URL, key, template) and opens the buffer. Errors: invalid_argument
  // for bad options, unavailable when the buffer cannot be opened.
  static core::Result<std::unique_ptr<IntegrationSender>> open(IntegrationOptions options,
                                                               core::MetricsRegistry& metrics);
  ~IntegrationSender();  // stops
  IntegrationSender(const IntegrationSender&) = delete;
  IntegrationSender& operator=(const IntegrationSender&) = delete;

  void start();
  // Stops the sender (a request in flight ends soon); what was not sent stays buffered. Idempotent.
  void stop();

  // Buffers the alert's request body when the filters take it. Safe for concurrent use; no network.
  void deliver(const analysis::AlertRecord& alert);

  const std::string& host() const { return client_->url().text; }

 private:
  IntegrationSender(IntegrationOptions options, EndpointUrl endpoint, std::unique_ptr<AlertBuffer> buffer,
                    std::unique_ptr<BulkClient> client, core::MetricsRegistry& metrics);

  void run();
  // Posts one body until it is settled; false when stopping came first.
  bool send(const std::string& body);
  bool pause(std::chrono::milliseconds delay);  // false when stopping

  const IntegrationOptions options_;
  const std::string target_;
  std::unique_ptr<AlertBuffer> buffer_;
  std::unique_ptr<BulkClient> client_;
  core::Counter& sent_;
  core::Counter& failed_;
  core::Counter& dropped_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread sender_;
};

}  // namespace herald::engine
