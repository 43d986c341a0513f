#pragma once
// Cross-node delivery (scale-out): an order accepted by one node must reach an agent whose poll
// is parked on another. The accepting node publishes the targets of new orders on the bus
// (`<prefix>.cluster.wake`, core NATS, up to kTargetsPerMessage targets per message); every other
// node wakes the parked polls it holds for them, which read their orders from the shared store.
//
// Without the bus (NATS not configured, or down), nodes instead look in the store every
// `fallback_interval` for pending orders of the agents parked on them — and once more right after
// the bus comes back, for wake-ups sent while it was away. Server-module polls are few: they are
// simply woken on each of those passes.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "bus/event_bus.h"
#include "engine/dispatcher.h"
#include "engine/order_listener.h"
#include "engine/periodic_worker.h"
#include "store/store.h"

namespace herald::engine {

struct ClusterWakeupOptions {
  std::string node_name;
  std::chrono::milliseconds fallback_interval{1000};
};

struct ClusterWakeupCounts {
  std::uint64_t published = 0;        // wake-up messages this node sent
  std::uint64_t received = 0;         // wake-up messages from other nodes
  std::uint64_t fallback_passes = 0;  // store look-ups for parked agents
  std::uint64_t fallback_wakes = 0;   // parked polls those passes woke
};

class ClusterWakeups final : public OrderListener {
 public:
  static constexpr std::size_t kTargetsPerMessage = 1000;

  // `bus` may be null (no NATS): then only the fallback runs.
  ClusterWakeups(bus::EventBus* bus, store::OrderStore& store, Dispatcher& dispatcher, ClusterWakeupOptions options);
  ~ClusterWakeups() override;
  ClusterWakeups(const ClusterWakeups&) = delete;
  ClusterWakeups& operator=(const ClusterWakeups&) = delete;

  // Subscribes to other nodes' wake-ups and starts the fallback thread.
  void start();
  void stop();  // idempotent

  // OrderListener: tells the other nodes whom the new orders are for.
  void orders_created(const std::vector<core::Order>& orders) override;
  // ... and whom orders that went back to pending are for (their agent may poll another node now).
  void orders_returned(const std::vector<core::Order>& orders) override { orders_created(orders); }

  // One fallback pass (the thread's body; tests call it). Returns how many polls it woke.
  core::Result<std::size_t> look_for_orders_of_parked_polls();
  // Handles one wake-up message from the bus (public for tests).
  void receive(const std::string& payload);

  ClusterWakeupCounts counts() const;

 private:
  // The fallback's tick: a pass while the bus is away, and one more right after it came back.
  void fallback_tick();

  bus::EventBus* bus_;
  store::OrderStore& store_;
  Dispatcher& dispatcher_;
  ClusterWakeupOptions options_;
  std::unique_ptr<bus::Subscription> subscription_;
  std::atomic<std::uint64_t> published_{0}, received_{0}, fallback_passes_{0}, fallback_wakes_{0};
  bool was_connected_ = false;  // fallback thread only
  bool warned_ = false;         // fallback thread only
  PeriodicWorker fallback_;
};

}  // namespace herald::engine
