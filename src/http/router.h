#pragma once
// Maps (method, path) to an endpoint. Patterns are literal segments and `{name}` captures, e.g.
// "/agents/{agent_id}/group/{group_id}". A capture matches one non-empty segment.
#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace herald::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

// Runs once a request's headers are in, before a byte of its body is read (request.body is
// empty): a reply refuses the request — its body is then never read and, if it had one, the
// connection closes —, nullopt lets it through. May fill request.principal for the handler.
using Guard = std::function<boost::asio::awaitable<std::optional<Response>>(Request&)>;

// What a route runs. A Handler alone is an open endpoint (no guard).
struct Endpoint {
  Handler handler;
  Guard guard;                     // empty: the route is open to anyone
  std::size_t max_body_bytes = 0;  // 0: the listener's max_body_bytes; beyond: 413, body unread
  // The handler may wait for minutes (a long poll): the session watches the socket meanwhile and
  // cancels the handler when the client hangs up. So that thousands of parked polls hold little,
  // the request's headers are dropped once its guard has passed: such a handler sees none (the
  // guard reads what it needs into request.principal). Other handlers run without the watch.
  bool long_poll = false;

  Endpoint&& with_body_limit(std::size_t bytes) && {
    max_body_bytes = bytes;
    return std::move(*this);
  }
  Endpoint&& as_long_poll() && {
    long_poll = true;
    return std::move(*this);
  }
};

class Router {
 public:
  // Registers a route. Later registrations do not override earlier ones; the first match wins.
  void add(Method method, std::string pattern, Endpoint endpoint);
  void add(Method method, std::string pattern, Handler handler, std::size_t max_body_bytes = 0) {
    add(method, std::move(pattern), Endpoint{std::move(handler), {}, max_body_bytes});
  }

  struct Match {
    const Endpoint* endpoint = nullptr;  // null when nothing matched
    bool path_matched = false;           // some route had this path with another method (405)
  };
  // Finds the route for request.method/request.path and fills request.path_params and
  // request.route on success. Safe for concurrent use once all routes are added.
  Match match(Request& request) const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Endpoint endpoint;
  };
  std::vector<Route> routes_;
};

}  // namespace herald::http
