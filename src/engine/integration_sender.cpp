#include "engine/integration_sender.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "engine/bulk_body.h"
#include "engine/integration_payloads.h"

namespace herald::engine {

core::Result<std::unique_ptr<IntegrationSender>> IntegrationSender::open(IntegrationOptions options,
                                                                         core::MetricsRegistry& metrics) {
  const std::string where = "integration " + options.name;
  if (options.name != "slack" && options.name != "pagerduty" && options.name != "webhook") {
    return core::invalid_argument("integration name must be slack, pagerduty or webhook");
  }
  if (options.name == "pagerduty" && options.url.empty()) options.url = kPagerDutyDefaultUrl;
  if (options.url.empty()) return core::invalid_argument(where + ": hook_url is required");
  if (options.name == "pagerduty" && options.api_key.empty())
    return core::invalid_argument(where + ": api_key is required");
  if (options.name == "webhook" && options.json_template.empty())
    return core::invalid_argument(where + ": template is required");
  auto endpoint = parse_endpoint_url(options.url);
  if (!endpoint) return core::invalid_argument(where + ": " + endpoint.error().message);
  std::shared_ptr<boost::asio::ssl::context> tls;
  if (endpoint->server.tls) {
    auto context = make_client_tls_context("");
    if (!context) return core::invalid_argument(where + ": " + context.error().message);
    tls = std::move(*context);
  }
  auto client = std::make_unique<BulkClient>(endpoint->server, tls, "", options.request_timeout);
  auto buffer = AlertBuffer::open({options.buffer_dir, options.buffer_max_bytes,
                                   std::clamp<std::uint64_t>(options.buffer_max_bytes / 8, 4096, 16ull << 20)});
  if (!buffer) return core::Error{buffer.error().kind, where + " buffer: " + buffer.error().message};
  return std::unique_ptr<IntegrationSender>(new IntegrationSender(std::move(options), std::move(*endpoint),
                                                                  std::move(*buffer), std::move(client), metrics));
}

IntegrationSender::IntegrationSender(IntegrationOptions options, EndpointUrl endpoint,
                                     std::unique_ptr<AlertBuffer> buffer, std::unique_ptr<BulkClient> client,
                                     core::MetricsRegistry& metrics)
    : options_(std::move(options)),
      target_(std::move(endpoint.target)),
      buffer_(std::move(buffer)),
      client_(std::move(client)),
      sent_(metrics.counter("herald_integration_sent_total", "Alerts an integration's receiver accepted", {"name"},
                            {options_.name})),
      failed_(metrics.counter("herald_integration_failed_total",
                              "Integration requests that failed (network error or non-2xx reply)", {"name"},
                              {options_.name})),
      dropped_(metrics.counter("herald_integration_dropped_total",
                               "Alerts an integration gave up on (buffer full, or refused with a 4xx)", {"name"},
                               {options_.name})) {}

IntegrationSender::~IntegrationSender() {
  stop();
}

void IntegrationSender::start() {
  std::lock_guard lock(mutex_);
  if (sender_.joinable() || stopping_) return;
  sender_ = std::thread([this] { run(); });
}

void IntegrationSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  client_->interrupt();
  if (sender_.joinable()) sender_.join();
}

void IntegrationSender::deliver(const analysis::AlertRecord& alert) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(alert.json, ec);
  if (ec || !parsed.is_object()) return;  // alerts are built by the analyzer: never the case
  const auto& object = parsed.as_object();
  if (!integration_matches(options_, object)) return;
  std::string body = options_.name == "slack"       ? slack_payload(object)
                     : options_.name == "pagerduty" ? pagerduty_payload(object, options_.api_key)
                                                    : render_webhook_template(options_.json_template, object);
  // A buffer record is one line; a newline outside a JSON string is only white space.
  std::replace(body.begin(), body.end(), '\n', ' ');
  std::replace(body.begin(), body.end(), '\r', ' ');
  auto appended = buffer_->append(body);
  if (!appended || !*appended) {
    dropped_.inc();
    if (!appended) spdlog::warn("integration {}: alert {} not buffered: {}", options_.name, alert.id,
                                appended.error().message);
    return;
  }
  // Through the mutex: the sender cannot be between its check and its wait, so no wake-up is lost.
  { std::lock_guard lock(mutex_); }
  wake_.notify_one();
}

bool IntegrationSender::pause(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [&] { return stopping_; });
}

void IntegrationSender::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || buffer_->unsent_records() > 0; });
      if (stopping_) return;
    }
    while (buffer_->unsent_records() > 0) {
      if (auto synced = buffer_->sync(); !synced) spdlog::warn("integration {} buffer: {}", options_.name, synced.error().message);
      auto batch = buffer_->read(1, 1);
      if (!batch) {
        spdlog::error("integration {} buffer: {}", options_.name, batch.error().message);
        if (!pause(options_.retry_max)) return;
        break;
      }
      if (!batch->records.empty() && !send(batch->records.front())) return;
      for (;;) {
        auto committed = buffer_->commit(batch->end, batch->records.size());
        if (committed) break;
        spdlog::error("integration {} buffer: {}", options_.name, committed.error().message);
        if (!pause(options_.retry_max)) return;
      }
    }
  }
}

bool IntegrationSender::send(const std::string& body) {
  auto delay = options_.retry_initial;
  for (;;) {
    auto reply = client_->post(target_, body, "application/json");
    if (reply && reply->status >= 200 && reply->status < 300) {
      sent_.inc();
      return true;
    }
    failed_.inc();
    if (reply && !retryable_status(reply->status)) {
      dropped_.inc();
      spdlog::warn("integration {}: {} refused an alert ({}); dropped", options_.name, host(), reply->status);
      return true;
    }
    // The client's message names scheme://host:port only, never the hook path or the key.
    spdlog::warn("integration {}: {}", options_.name,
                 reply ? host() + " answered " + std::to_string(reply->status) : reply.error().message);
    if (!pause(delay)) return false;
    delay = std::min(delay * 2, options_.retry_max);
  }
}

}  // namespace herald::engine
