#include "support/nats_watcher.h"

#include <stdexcept>
#include <thread>

namespace herald::test {

NatsWatcher::NatsWatcher(const std::string& url, const std::string& pattern) {
  if (natsConnection_ConnectTo(&connection_, url.c_str()) != NATS_OK) {
    throw std::runtime_error("cannot connect to NATS at " + url);
  }
  if (natsConnection_Subscribe(&subscription_, connection_, pattern.c_str(), &NatsWatcher::on_message, this) !=
      NATS_OK) {
    natsConnection_Destroy(connection_);
    throw std::runtime_error("cannot subscribe to " + pattern);
  }
  natsConnection_Flush(connection_);  // the subscription is known to the server before we go on
  jsOptions options;
  jsOptions_Init(&options);
  options.Wait = 2000;
  if (natsConnection_JetStream(&jetstream_, connection_, &options) != NATS_OK) jetstream_ = nullptr;
}

NatsWatcher::~NatsWatcher() {
  if (subscription_ != nullptr) {
    natsSubscription_Unsubscribe(subscription_);
    natsSubscription_Destroy(subscription_);
  }
  jsCtx_Destroy(jetstream_);
  natsConnection_Destroy(connection_);
}

void NatsWatcher::on_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto* self = static_cast<NatsWatcher*>(closure);
  NatsMessage kept{natsMsg_GetSubject(message),
                   std::string(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
  natsMsg_Destroy(message);
  std::lock_guard lock(self->mutex_);
  self->messages_.push_back(std::move(kept));
}

std::vector<NatsMessage> NatsWatcher::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<NatsMessage> NatsWatcher::on(const std::string& subject) const {
  std::vector<NatsMessage> out;
  for (auto& message : messages()) {
    if (message.subject == subject) out.push_back(std::move(message));
  }
  return out;
}

std::optional<NatsMessage> NatsWatcher::wait_for(const std::string& subject,
                                                 const std::function<bool(const std::string&)>& match,
                                                 std::chrono::milliseconds timeout) const {
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (const auto& message : on(subject)) {
      if (!match || match(message.payload)) return message;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::optional<NatsMessage> NatsWatcher::last_in_stream(const std::string& stream, const std::string& subject) const {
  if (jetstream_ == nullptr) return std::nullopt;
  natsMsg* message = nullptr;
  if (js_GetLastMsg(&message, jetstream_, stream.c_str(), subject.c_str(), nullptr, nullptr) != NATS_OK) {
    return std::nullopt;
  }
  NatsMessage kept{natsMsg_GetSubject(message),
                   std::string(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
  natsMsg_Destroy(message);
  return kept;
}

}  // namespace herald::test
