#include "api/observability_api.h"

#include <boost/json.hpp>

#include "api/replies.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

void register_observability_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/health", [&context](http::Request&) -> awaitable<http::Response> {
    // 503 only when the store cannot answer a read: this node is no use then. Degraded (writes
    // fail, e.g. a full disk) stays 200, because reads, polls and tokens still work and taking
    // the node out of a load balancer or restarting it would not free any space.
    auto health = co_await context.pool.run([&] { return context.store.health(); });
    if (!health) {
      co_return json_reply(503, json::object{{"status", "unavailable"}, {"detail", health.error().message}});
    }
    if (health->degraded) {
      co_return json_reply(
          200, json::object{{"status", "degraded"}, {"node", context.node_name}, {"detail", health->detail}});
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
