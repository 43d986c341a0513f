#include "api/comms_routes.h"

#include <boost/json.hpp>

#include "api/comms_auth.h"
#include "api/comms_events.h"
#include "api/replies.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

http::Response comms_error(unsigned status, std::string_view message, int code) {
  return json_reply(status, json::object{{"message", message}, {"code", code}});
}

void register_comms_routes(http::Router& router, ApiContext& context) {
  // GET /api/v1/ answers 200 with an empty body (c).
  router.add(http::Method::get, "/api/v1/", [](http::Request&) -> awaitable<http::Response> {
    http::Response response;
    response.content_type = {};
    co_return response;
  }, context.body_limits.no_body);
  register_comms_auth_routes(router, context);
  register_comms_agent_routes(router, context);
}

}  // namespace herald::api
