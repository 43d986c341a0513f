#include "api/observability_api.h"

#include <boost/json.hpp>

#include "api/replies.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

void register_observability_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/health", [&context](http::Request&) -> awaitable<http::Response> {
    // Healthy means the store answers a read.
    auto user = co_await context.pool.run([&] { return context.store.find_user("admin"); });
    if (!user) {
      co_return json_reply(503, json::object{{"status", "unavailable"}, {"detail", user.error().message}});
    }
    co_return json_reply(200, json::object{{"status", "ok"}, {"node", context.node_name}});
  }, context.body_limits.no_body);
  router.add(http::Method::get, "/metrics", [&context](http::Request&) -> awaitable<http::Response> {
    // Rendering calls gauge callbacks that read the store, so it runs off the io threads.
    auto text = co_await context.pool.run([&] { return context.metrics.render(); });
    auto reply = text_reply(200, text);
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    co_return reply;
  }, context.body_limits.no_body);
}

}  // namespace herald::api
