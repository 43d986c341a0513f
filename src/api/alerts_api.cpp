#include "api/alerts_api.h"

#include <boost/json.hpp>

#include "api/alert_query_params.h"
#include "api/management_auth.h"
#include "api/replies.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

awaitable<http::Response> list_alerts(ApiContext& context, http::Request& request) {
  auto parsed = parse_alert_query(request);
  if (auto* reply = std::get_if<http::Response>(&parsed)) co_return std::move(*reply);
  auto& query = std::get<store::AlertQuery>(parsed);
  auto page = co_await context.pool.run([&] { return context.store.query_alerts(query); });
  if (!page) co_return store_failure_reply(page.error(), "GET /alerts");
  json::array items;
  items.reserve(page->items.size());
  for (const auto& alert : page->items) {
    boost::system::error_code ec;
    auto document = json::parse(alert.json, ec);
    if (ec) continue;  // never written by Herald: the writer stores the analyzer's JSON
    items.push_back(std::move(document));
  }
  co_return envelope_reply(std::move(items), page->total, {}, "All selected alerts were returned");
}

}  // namespace

void register_alert_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/alerts",
             require_user(context, [&context](http::Request& request) { return list_alerts(context, request); }));
}

}  // namespace herald::api
