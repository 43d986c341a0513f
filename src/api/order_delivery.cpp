#include "api/order_delivery.h"

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "api/comms_routes.h"
#include "api/replies.h"
#include "core/order_document.h"

namespace herald::api {

namespace json = boost::json;

namespace {

// Tells liveness that an agent's poll is parked, and how it ended: a poll that did not come back
// normally (its client hung up, the handler was cancelled) is a dropped connection.
class ParkedPollGuard {
 public:
  ParkedPollGuard(engine::Liveness& liveness, const store::DeliveryTarget& target)
      : liveness_(target.kind == store::DeliveryTarget::Kind::agent ? &liveness : nullptr), agent_id_(target.id) {
    if (liveness_ != nullptr) liveness_->poll_parked(agent_id_);
  }
  ~ParkedPollGuard() {
    if (liveness_ != nullptr) liveness_->poll_ended(agent_id_, !ended_normally_);
  }
  ParkedPollGuard(const ParkedPollGuard&) = delete;
  ParkedPollGuard& operator=(const ParkedPollGuard&) = delete;
  void ended_normally() { ended_normally_ = true; }

 private:
  engine::Liveness* liveness_;
  std::string agent_id_;
  bool ended_normally_ = false;
};

}  // namespace

boost::asio::awaitable<http::Response> long_poll_orders(ApiContext& context, const store::DeliveryTarget& target) {
  ParkedPollGuard guard(context.liveness, target);
  auto outcome = co_await context.dispatcher.poll(target);
  const boost::asio::cancellation_state cancellation = co_await boost::asio::this_coro::cancellation_state;
  if (cancellation.cancelled() == boost::asio::cancellation_type::none) guard.ended_normally();
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
