#include "engine/command_service.h"

#include "core/command_parser.h"
#include "engine/order_expansion.h"
#include "engine/store_completion.h"

namespace herald::engine {

core::Result<SubmittedRequest> CommandService::submit(const std::vector<core::Command>& commands) {
  auto orders = expand_commands(commands, store_, clock_.now_seconds());
  if (!orders) return orders.error();
  if (orders->empty()) return core::invalid_argument(std::string(core::kCannotGenerateOrders));

  auto request_id = store_.append_orders(*orders);
  if (!request_id) return request_id.error();
  return stored(*orders, *request_id);
}

boost::asio::awaitable<core::Result<SubmittedRequest>> CommandService::submit_async(
    const std::vector<core::Command>& commands, BlockingPool& reads) {
  auto orders = co_await reads.run([&] { return expand_commands(commands, store_, clock_.now_seconds()); });
  if (!orders) co_return orders.error();
  if (orders->empty()) co_return core::invalid_argument(std::string(core::kCannotGenerateOrders));

  auto request_id = co_await store_call<std::int64_t>(
      [&](store::StoreCompletion<std::int64_t> done) { store_.append_orders_async(*orders, std::move(done)); });
  if (!request_id) co_return request_id.error();
  co_return stored(*orders, *request_id);
}

SubmittedRequest CommandService::stored(const std::vector<core::Order>& orders, std::int64_t request_id) {
  SubmittedRequest submitted{request_id, {}};
  submitted.document_ids.reserve(orders.size());
  for (const auto& order : orders) submitted.document_ids.push_back(core::document_id(order.key));
  listener_.orders_created(orders);
  return submitted;
}

}  // namespace herald::engine
