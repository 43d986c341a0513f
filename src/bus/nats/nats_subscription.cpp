#include "bus/nats/nats_subscription.h"

#include <spdlog/spdlog.h>

namespace herald::bus {

namespace {

using SlotHolder = std::shared_ptr<HandlerSlot>;

void on_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
  auto& slot = **static_cast<SlotHolder*>(closure);
  std::string subject = natsMsg_GetSubject(message);
  std::string payload(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
  natsMsg_Destroy(message);
  slot.call(subject, payload);
}

// libnats calls this once the subscription is closed and its last message callback returned:
// only then may the state it points to go.
void on_complete(void* closure) {
  delete static_cast<SlotHolder*>(closure);
}

}  // namespace

std::unique_ptr<Subscription> NatsSubscription::start(natsConnection* connection, const std::string& subject,
                                                      Handler handler) {
  auto slot = std::make_shared<HandlerSlot>(std::move(handler));
  natsSubscription* subscription = nullptr;
  natsStatus status = NATS_CONNECTION_CLOSED;
  auto* holder = new SlotHolder(slot);
  if (connection != nullptr)
    status = natsConnection_Subscribe(&subscription, connection, subject.c_str(), on_message, holder);
  if (status == NATS_OK) status = natsSubscription_SetOnCompleteCB(subscription, on_complete, holder);
  if (status != NATS_OK) {
    spdlog::error("NATS: cannot subscribe to {}: {}", subject, natsStatus_GetText(status));
    if (subscription == nullptr) {
      delete holder;  // libnats never saw it
    } else {
      // Closed before the completion callback could be set: libnats may still call on_message,
      // so `holder` must outlive it; leaking it is the safe choice for this rare race.
      natsSubscription_Destroy(subscription);
    }
    slot->turn_off();
    return std::unique_ptr<Subscription>(new NatsSubscription(nullptr, std::move(slot)));
  }
  return std::unique_ptr<Subscription>(new NatsSubscription(subscription, std::move(slot)));
}

NatsSubscription::NatsSubscription(natsSubscription* subscription, std::shared_ptr<HandlerSlot> slot)
    : subscription_(subscription), slot_(std::move(slot)) {}

NatsSubscription::~NatsSubscription() {
  slot_->turn_off();
  if (subscription_ == nullptr) return;
  natsSubscription_Unsubscribe(subscription_);  // fails harmlessly when the bus is already closed
  natsSubscription_Destroy(subscription_);
}

}  // namespace herald::bus
