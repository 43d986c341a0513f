#include "engine/order_metrics.h"

namespace herald::engine {

namespace {
constexpr const char* kExpiredHelp = "Orders failed because their delivery_timestamp passed";
}

OrderMetrics::OrderMetrics(core::MetricsRegistry& metrics)
    : created_(metrics.counter("herald_orders_created_total", "Orders created by the Command Manager")),
      expired_pending_(metrics.counter("herald_orders_expired_total", kExpiredHelp, {"previous_status"}, {"pending"})),
      expired_sent_(metrics.counter("herald_orders_expired_total", kExpiredHelp, {"previous_status"}, {"sent"})) {}

void OrderMetrics::orders_created(const std::vector<core::Order>& orders) { created_.inc(orders.size()); }

void OrderMetrics::orders_expired(const std::vector<store::ExpiredOrder>& expired) {
  for (const auto& order : expired) {
    (order.previous == core::OrderStatus::pending ? expired_pending_ : expired_sent_).inc();
  }
}

}  // namespace herald::engine
