#pragma once
// A core NATS subscription for EventBus::subscribe. libnats re-subscribes it by itself after a
// reconnect. Destroying it unsubscribes; once the destructor returns the handler is not running
// and never runs again (see HandlerSlot), even if a message was already on its way.
#include <nats/nats.h>

#include <memory>
#include <string>

#include "bus/event_bus.h"
#include "bus/handler_slot.h"

namespace herald::bus {

class NatsSubscription final : public Subscription {
 public:
  // Subscribes to the full `subject` pattern on `connection` (which may still be connecting).
  // On failure (connection closed) logs it and returns a subscription that receives nothing.
  static std::unique_ptr<Subscription> start(natsConnection* connection, const std::string& subject, Handler handler);
  ~NatsSubscription() override;

 private:
  NatsSubscription(natsSubscription* subscription, std::shared_ptr<HandlerSlot> slot);

  natsSubscription* subscription_;
  // Shared with libnats's callback closure, which lives until the subscription completes.
  std::shared_ptr<HandlerSlot> slot_;
};

}  // namespace herald::bus
