#pragma once
// The in-process EventBus: the default backend, and what tests and the dashboard subscribe to.
//
// Subjects, prefixes and wildcards behave exactly as with NatsBus: publish("agent.1.status") on a
// bus with prefix "wazuh" reaches subscribe("agent.*.status") handlers as "wazuh.agent.1.status".
//
// Handlers run synchronously, on the publishing thread, inside publish(): keep them quick. They may
// publish, subscribe and unsubscribe themselves (no lock is held while they run). Durability is
// ignored: nothing is stored, an event without a subscriber is simply gone.
//
// Safe for concurrent use from any thread.
#include <atomic>
#include <memory>
#include <string>

#include "bus/event_bus.h"

namespace herald::bus {

class LocalBus final : public EventBus {
 public:
  explicit LocalBus(std::string prefix = "wazuh");
  ~LocalBus() override;
  LocalBus(const LocalBus&) = delete;
  LocalBus& operator=(const LocalBus&) = delete;

  // Calls every matching handler before returning. An invalid subject (empty token, whitespace,
  // wildcard) or a publish after close() is dropped and counted instead.
  void publish(Event event) override;
  // Throws std::invalid_argument for an invalid pattern (a programming error). Destroying the
  // returned Subscription waits for calls of its handler running on other threads, so once it is
  // gone the handler is never running (it may be destroyed from inside its own handler).
  // The Subscription may outlive the bus.
  std::unique_ptr<Subscription> subscribe(const std::string& pattern, Handler handler) override;
  // `connected` is always true.
  BusStats stats() const override;
  // Later publishes are dropped; subscriptions stay valid but receive nothing. Idempotent.
  void close() override;

  const std::string& prefix() const { return prefix_; }

 private:
  struct Registry;
  class LocalSubscription;

  const std::string prefix_;
  std::shared_ptr<Registry> registry_;  // shared with subscriptions, which may outlive the bus
  std::atomic<bool> closed_{false};
  std::atomic<bool> invalid_subject_logged_{false};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace herald::bus
