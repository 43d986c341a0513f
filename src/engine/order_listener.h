#pragma once
// Observers of the orders stream: the deadline scheduler, metrics, and later the dispatcher and
// the event bus. Called on the thread that made the change, after it is durable; implementations
// must be quick and thread-safe (post real work elsewhere).
#include <vector>

#include "core/order.h"
#include "store/store.h"

namespace herald::engine {

class OrderListener {
 public:
  virtual ~OrderListener() = default;
  virtual void orders_created(const std::vector<core::Order>& /*orders*/) {}
  virtual void orders_expired(const std::vector<store::ExpiredOrder>& /*expired*/) {}
  // Delivered orders: claimed (marked sent) and their reply written.
  virtual void orders_sent(const std::vector<core::Order>& /*orders*/) {}
  // Orders claimed for a reply that never reached the agent, pending again.
  virtual void orders_returned(const std::vector<core::Order>& /*orders*/) {}
  // Result reports that changed their order (ResultOutcome::applied).
  virtual void results_applied(const std::vector<store::ResultReport>& /*reports*/) {}
};

// Fans one notification out to several listeners, in registration order.
class OrderListeners final : public OrderListener {
 public:
  void add(OrderListener& listener) { listeners_.push_back(&listener); }
  void orders_created(const std::vector<core::Order>& orders) override {
    for (auto* l : listeners_) l->orders_created(orders);
  }
  void orders_expired(const std::vector<store::ExpiredOrder>& expired) override {
    for (auto* l : listeners_) l->orders_expired(expired);
  }
  void orders_sent(const std::vector<core::Order>& orders) override {
    for (auto* l : listeners_) l->orders_sent(orders);
  }
  void orders_returned(const std::vector<core::Order>& orders) override {
    for (auto* l : listeners_) l->orders_returned(orders);
  }
  void results_applied(const std::vector<store::ResultReport>& reports) override {
    for (auto* l : listeners_) l->results_applied(reports);
  }

 private:
  std::vector<OrderListener*> listeners_;
};

}  // namespace herald::engine
