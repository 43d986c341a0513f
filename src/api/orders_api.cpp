#include "api/orders_api.h"

#include <boost/json.hpp>

#include <charconv>

#include "api/management_auth.h"
#include "api/replies.h"
#include "core/field_limits.h"
#include "core/order_document.h"
#include "core/time_format.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

std::variant<store::OrderQuery, http::Response> parse_order_query(const http::Request& request, std::int64_t now) {
  store::OrderQuery query;
  http::Response error;
  auto paging = parse_paging(request, error);
  if (!paging) return error;
  query.offset = paging->offset;
  query.limit = paging->limit;
  if (auto status = request.query_param("status")) {
    query.status = core::parse_order_status(*status);
    if (!query.status) return problem_reply(400, "Bad Request", "status must be pending, sent, success or failure");
  }
  // Bounded as the stored fields they match (core/field_limits.h).
  for (auto [parameter, target] : {std::pair{"agent_id", &query.agent_id}, std::pair{"action", &query.action},
                                   std::pair{"source", &query.source}}) {
    auto value = request.query_param(parameter);
    if (!value) continue;
    if (value->size() > core::kMaxShortText) {
      return problem_reply(400, "Bad Request",
                           std::string(parameter) + " may be at most " + std::to_string(core::kMaxShortText) +
                               " bytes long, got " + std::to_string(value->size()));
    }
    *target = std::string(*value);
  }
  if (auto id = request.query_param("request_id")) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(id->data(), id->data() + id->size(), value);
    if (ec != std::errc() || end != id->data() + id->size() || value < 1) {
      return problem_reply(400, "Bad Request", "request_id must be a positive integer");
    }
    query.request_id = value;
  }
  if (auto older = request.query_param("older_than")) {
    auto seconds = core::parse_duration_seconds(*older);
    if (!seconds) return problem_reply(400, "Bad Request", "older_than must be a duration such as 30s, 10m, 7d");
    query.created_before = now - *seconds;
  }
  if (auto sort = request.query_param("sort")) {
    std::string_view field = *sort;
    if (!field.empty() && (field.front() == '-' || field.front() == '+')) {
      query.descending = field.front() == '-';
      field.remove_prefix(1);
    }
    if (field == "created_at" || field == "@timestamp") {
      query.sort = store::OrderQuery::SortField::created_at;
    } else if (field == "deadline" || field == "delivery_timestamp") {
      query.sort = store::OrderQuery::SortField::deadline;
    } else if (field == "updated_at") {
      query.sort = store::OrderQuery::SortField::updated_at;
    } else if (field == "id" || field == "_id") {
      query.sort = store::OrderQuery::SortField::id;
    } else {
      return problem_reply(400, "Bad Request",
                           "sort must be [+|-] one of id, @timestamp, delivery_timestamp, updated_at");
    }
  }
  return query;
}

awaitable<http::Response> list_orders(ApiContext& context, http::Request& request) {
  auto parsed = parse_order_query(request, context.clock.now_seconds());
  if (auto* reply = std::get_if<http::Response>(&parsed)) co_return std::move(*reply);
  auto& query = std::get<store::OrderQuery>(parsed);
  auto page = co_await context.pool.run([&] { return context.store.list_orders(query); });
  if (!page) co_return store_failure_reply(page.error(), "GET /orders");
  json::array items;
  items.reserve(page->items.size());
  for (const auto& order : page->items) items.push_back(core::order_document(order));
  co_return envelope_reply(std::move(items), page->total, {}, "All selected orders information was returned");
}

awaitable<http::Response> show_order(ApiContext& context, http::Request& request) {
  const auto& id = request.path_params.at("order_id");
  auto key = core::parse_document_id(id);
  if (!key) co_return problem_reply(404, "Resource not found", "Order " + id + " does not exist");
  auto order = co_await context.pool.run([&] { return context.store.find_order(*key); });
  if (!order) co_return store_failure_reply(order.error(), "GET /orders/{id}");
  if (!*order) co_return problem_reply(404, "Resource not found", "Order " + id + " does not exist");
  co_return envelope_reply(json::array{core::order_document(**order)}, 1, {}, "The order information was returned");
}

}  // namespace

void register_order_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/orders",
             require_user(context, [&context](http::Request& request) { return list_orders(context, request); }));
  router.add(http::Method::get, "/orders/{order_id}",
             require_user(context, [&context](http::Request& request) { return show_order(context, request); }));
}

}  // namespace herald::api
