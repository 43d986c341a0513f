#pragma once
// Data flow 6 (ARCHITECTURE.md): everything observable leaves heraldd through an EventBus.
// Backends: LocalBus (in-process, default; feeds tests and local subscribers) and nats/NatsBus.
//
// publish() never blocks and never fails the caller: a backend that cannot deliver (NATS down,
// queue full) drops the event and counts it in stats(). Safe from any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace herald::bus {

enum class Durability {
  transient,  // core NATS: keep-alives, agent events, wake-ups
  durable,    // JetStream stream: status transitions, order transitions, enrolments
};

struct Event {
  // Without the configured prefix: "agent.<uuid>.status", "orders.success", ... The bus adds
  // "<prefix>." in front.
  std::string subject;
  std::string payload;  // JSON text
  Durability durability = Durability::transient;
  // Deduplication id for durable events (JetStream Nats-Msg-Id); empty for none.
  std::string message_id;
};

struct BusStats {
  std::uint64_t published = 0;  // handed to the backend's server (or to local subscribers)
  std::uint64_t dropped = 0;    // given up on: queue full, server unreachable, rejected
  bool connected = true;        // the backend's server link is up (always true for LocalBus)
};

// A received event: full subject (with prefix) and payload.
using Handler = std::function<void(const std::string& subject, const std::string& payload)>;

// Ends a subscription when destroyed.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class EventBus {
 public:
  virtual ~EventBus() = default;
  virtual void publish(Event event) = 0;
  // Subscribes to a subject pattern relative to the prefix (NATS wildcards `*` and `>`), e.g.
  // "agent.*.status". Handlers run on a backend thread (LocalBus: the publisher's, inside publish();
  // NatsBus: a libnats thread per subscription); they must be quick and must not throw. Once the
  // returned Subscription is destroyed its handler is never called again, nor still running (unless
  // it was destroyed from inside that very handler).
  virtual std::unique_ptr<Subscription> subscribe(const std::string& pattern, Handler handler) = 0;
  virtual BusStats stats() const = 0;
  // Flushes what is queued (bounded wait) and disconnects. Later publishes are dropped. Idempotent.
  virtual void close() = 0;
};

}  // namespace herald::bus
