#include "engine/command_service.h"

#include "core/command_parser.h"
#include "engine/order_expansion.h"

namespace herald::engine {

core::Result<SubmittedRequest> CommandService::submit(const std::vector<core::Command>& commands) {
  auto orders = expand_commands(commands, store_, clock_.now_seconds());
  if (!orders) return orders.error();
  if (orders->empty()) return core::invalid_argument(std::string(core::kCannotGenerateOrders));

  auto request_id = store_.append_orders(*orders);
  if (!request_id) return request_id.error();

  SubmittedRequest submitted{*request_id, {}};
  submitted.document_ids.reserve(orders->size());
  for (const auto& order : *orders) submitted.document_ids.push_back(core::document_id(order.key));
  listener_.orders_created(*orders);
  return submitted;
}

}  // namespace herald::engine
