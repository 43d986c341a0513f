#pragma once
// Data flow 2 (ARCHITECTURE.md): hands pending orders to the agent (or server module) that
// long-polls for them. A poll with nothing to deliver parks until an order for that very target
// arrives — only that target is woken, never a broadcast — or the poll timeout passes.
//
// Delivery is at most once per document id, across nodes and crashes: orders are claimed in the
// store (pending -> sent, store::OrderStore::mark_orders_sent) before the reply is written, and
// only the claimed ones go out; reserved in memory until the reply's fate is known: written ->
// released; not written (the client went away) -> given back (sent -> pending) and their target
// woken, so the next poll delivers them. A node that dies between claim and reply leaves them
// `sent`: they fail at their deadline like any order whose result never came.
//
// A poll that has parked stays parked while the store is unreachable: when woken, it reads again
// every second until the read works or its timeout passes.
#include <boost/asio/awaitable.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/order.h"
#include "engine/blocking_pool.h"
#include "engine/claim_batcher.h"
#include "engine/order_listener.h"
#include "store/store.h"

namespace herald::engine {

struct DispatcherOptions {
  std::chrono::milliseconds poll_timeout{300'000};
  std::int64_t max_orders_per_poll = 100;
};

// Orders handed to one reply; give it back to Dispatcher::settle exactly once.
struct Delivery {
  store::DeliveryTarget target;
  std::vector<core::Order> orders;
};

struct PollOutcome {
  enum class Kind {
    orders,    // delivery.orders is non-empty
    timeout,   // nothing arrived within the poll timeout
    replaced,  // a newer poll from the same target took over
    stopping,  // heraldd is shutting down
    error,     // the store failed before the poll parked; `error` says why
  } kind = Kind::timeout;
  Delivery delivery;
  core::Error error;
};

class Dispatcher final : public OrderListener {
 public:
  Dispatcher(store::OrderStore& store, BlockingPool& pool, const core::Clock& clock, DispatcherOptions options);
  ~Dispatcher() override;

  // The long poll. Runs on the caller's executor (a connection strand). `target` must outlive
  // the returned awaitable (pass a named object: g++ 12 mishandles class temporaries in co_await).
  boost::asio::awaitable<PollOutcome> poll(const store::DeliveryTarget& target);
  // Reports whether the reply carrying `delivery` reached the client. Safe from any thread.
  void settle(Delivery delivery, bool written);

  // OrderListener: new orders wake their targets' parked polls.
  void orders_created(const std::vector<core::Order>& orders) override;
  // Wakes the parked poll of `target`, if any (e.g. after an order came back to pending).
  void wake(const store::DeliveryTarget& target);
  // Hears of delivered orders (orders_sent) and of orders given back (orders_returned). Set
  // before serving.
  void set_delivery_listener(OrderListener& listener) { delivery_listener_ = &listener; }
  // Ends every parked poll with Kind::stopping and refuses new ones.
  void stop();

  std::size_t parked_polls() const;
  // The targets whose poll is parked right now (for nodes that look for their orders in the store).
  std::vector<store::DeliveryTarget> parked_targets() const;
  std::size_t reserved_orders() const;

 private:
  struct Waiter;
  // Per-target state. Lives while it holds a waiter or reservations.
  struct Slot {
    std::shared_ptr<Waiter> waiter;
    std::uint64_t generation = 0;       // bumped by every wake: a wake between query and park is not lost
    std::set<core::OrderKey> reserved;  // handed to a reply whose fate is not known yet
    int active_polls = 0;  // polls running for this target; the slot outlives them
    bool unused() const { return !waiter && reserved.empty() && active_polls == 0; }
  };
  // Targets are spread over shards by key so that no single lock sits on every poll.
  struct Shard {
    mutable std::mutex mutex;
    std::map<std::string, Slot> slots;
  };
  static constexpr std::size_t kShards = 32;
  static std::string key_of(const store::DeliveryTarget& target);
  Shard& shard_of(const std::string& key);
  void wake_key(const std::string& key);
  void release(const Delivery& delivery);
  // Claims the reserved orders of `delivery` in the store; those it could not claim (delivered by
  // another node, finished meanwhile) are released and dropped from it.
  core::Status claim(Delivery& delivery);

  store::OrderStore& store_;
  BlockingPool& pool_;
  const core::Clock& clock_;
  DispatcherOptions options_;
  std::array<Shard, kShards> shards_;
  std::atomic<bool> stopped_{false};
  OrderListener* delivery_listener_ = nullptr;
  ClaimBatcher claims_;
};

}  // namespace herald::engine
