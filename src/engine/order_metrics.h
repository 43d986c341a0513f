#pragma once
// Counts order lifecycle events into the metrics registry (herald_orders_created_total,
// herald_orders_expired_total{previous_status}).
#include "core/metrics.h"
#include "engine/order_listener.h"

namespace herald::engine {

class OrderMetrics final : public OrderListener {
 public:
  explicit OrderMetrics(core::MetricsRegistry& metrics);
  void orders_created(const std::vector<core::Order>& orders) override;
  void orders_expired(const std::vector<store::ExpiredOrder>& expired) override;

 private:
  core::Counter& created_;
  core::Counter& expired_pending_;
  core::Counter& expired_sent_;
};

}  // namespace herald::engine
