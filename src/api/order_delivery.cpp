#include "api/order_delivery.h"

#include <boost/json.hpp>

#include "api/comms_routes.h"
#include "api/replies.h"
#include "core/order_document.h"

namespace herald::api {

namespace json = boost::json;

boost::asio::awaitable<http::Response> long_poll_orders(ApiContext& context, const store::DeliveryTarget& target) {
  auto outcome = co_await context.dispatcher.poll(target);
  switch (outcome.kind) {
    case engine::PollOutcome::Kind::orders: break;
    case engine::PollOutcome::Kind::error:
      co_return comms_error(503, "Orders are unavailable: " + outcome.error.message, 503);
    case engine::PollOutcome::Kind::timeout:
    case engine::PollOutcome::Kind::replaced:
    case engine::PollOutcome::Kind::stopping:
      // The agent re-polls 1 s after a 408 (wire-protocol c3): quick and harmless in every case.
      co_return comms_error(408, "Request exceeded the processing time limit", 408);
  }
  json::array commands;
  commands.reserve(outcome.delivery.orders.size());
  for (const auto& order : outcome.delivery.orders) commands.push_back(core::agent_command(order));
  auto reply = json_reply(200, json::object{{"commands", std::move(commands)}});
  auto delivery = std::make_shared<engine::Delivery>(std::move(outcome.delivery));
  reply.on_written = [&dispatcher = context.dispatcher, delivery](bool written) {
    dispatcher.settle(std::move(*delivery), written);
  };
  co_return reply;
}

}  // namespace herald::api
