#pragma once
// Maps (method, path) to a handler. Patterns are literal segments and `{name}` captures, e.g.
// "/agents/{agent_id}/group/{group_id}". A capture matches one non-empty segment.
#include <boost/asio/awaitable.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/message.h"

namespace herald::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

class Router {
 public:
  // Registers a route. Later registrations do not override earlier ones; the first match wins.
  void add(Method method, std::string pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null when nothing matched
    bool path_matched = false;         // some route had this path with another method (405)
    std::string pattern;
  };
  // Finds the route for request.method/request.path and fills request.path_params and
  // request.route on success. Safe for concurrent use once all routes are added.
  Match match(Request& request) const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace herald::http
