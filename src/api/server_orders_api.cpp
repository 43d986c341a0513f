#include "api/server_orders_api.h"

#include <boost/json.hpp>

#include "api/comms_routes.h"
#include "api/management_auth.h"
#include "api/order_delivery.h"
#include "api/replies.h"
#include "core/input_checks.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

awaitable<http::Response> poll(ApiContext& context, http::Request& request) {
  auto module = request.query_param("module");
  if (!module || module->empty()) co_return comms_error(400, "Missing the module parameter", 400);
  const store::DeliveryTarget target{store::DeliveryTarget::Kind::server_module, std::string(*module)};
  co_return co_await long_poll_orders(context, target);
}

awaitable<http::Response> report(ApiContext& context, http::Request& request) {
  const auto& id = request.path_params.at("order_id");
  auto key = core::parse_document_id(id);
  if (!key) co_return problem_reply(404, "Resource not found", "Order " + id + " does not exist");
  json::error_code ec;
  auto body = json::parse(request.body, ec, {}, core::client_json_options());
  const json::object* object = (!ec && body.is_object()) ? &body.get_object() : nullptr;
  const auto* code = object ? object->if_contains("code") : nullptr;
  const auto* message = object ? object->if_contains("message") : nullptr;
  const auto* data = object ? object->if_contains("data") : nullptr;
  if (code == nullptr || !code->is_int64() || (message != nullptr && !message->is_string())) {
    co_return problem_reply(400, "Bad Request", "The body must be {\"code\": <integer>, \"message\": <string>}");
  }
  if (auto violation = core::check_command_result(message ? std::string_view(message->get_string()) : "",
                                                  data)) {
    co_return problem_reply(400, "Bad Request", violation->message());
  }
  std::vector<store::ResultReport> reports{
      {*key, std::nullopt, {code->get_int64(), message ? std::string(message->get_string()) : "", std::nullopt}, std::nullopt}};
  if (data != nullptr) reports[0].result.data_json = json::serialize(*data);
  auto outcomes = co_await context.results.apply_async(reports);
  if (!outcomes) co_return error_reply(outcomes.error());
  switch (outcomes->front()) {
    case store::ResultOutcome::applied:
    case store::ResultOutcome::unchanged:
      co_return envelope_reply(json::array{json::string(id)}, 1, {}, "The result was recorded");
    case store::ResultOutcome::not_found:
      co_return problem_reply(404, "Resource not found", "Order " + id + " does not exist");
    case store::ResultOutcome::wrong_target:
      co_return problem_reply(400, "Bad Request", "Order " + id + " is not a server order; its agent reports its result");
    case store::ResultOutcome::already_final:
      co_return problem_reply(409, "Conflict", "Order " + id + " already has a different final result");
  }
  co_return error_reply(core::internal_error("unexpected result outcome"));
}

}  // namespace

void register_server_order_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/api/v1/server/commands",
             require_user(context, [&context](http::Request& request) { return poll(context, request); }).as_long_poll());
  router.add(http::Method::post, "/orders/{order_id}/result",
             require_user(context, [&context](http::Request& request) { return report(context, request); })
                 .with_body_limit(context.body_limits.events));
}

}  // namespace herald::api
