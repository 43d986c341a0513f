#pragma once
// Herald's own request/response values. Handlers (src/api) see only these, never Beast types, so
// that Beast's templates are compiled in src/http alone and api/ files build fast.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::http {

enum class Method { get, head, post, put, patch, del, options, other };

struct Request {
  Method method = Method::other;
  std::string target;  // raw request target, e.g. "/orders?status=pending"
  std::string path;    // percent-decoded path, e.g. "/orders"
  std::vector<std::pair<std::string, std::string>> query;      // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;    // as received
  std::map<std::string, std::string> path_params;              // filled by the router
  std::string body;
  std::string remote_address;  // peer IP address as text
  std::string_view route;      // the matched route pattern ("" when none; the router's text); for metrics
  std::string principal;       // who the route's guard authenticated (user name, agent uuid)

  // Case-insensitive header lookup; the first value when repeated.
  std::optional<std::string_view> header(std::string_view name) const;
  // First value of a query parameter.
  std::optional<std::string_view> query_param(std::string_view name) const;
  bool has_query_param(std::string_view name) const { return query_param(name).has_value(); }
};

struct Response {
  unsigned status = 200;
  std::string_view content_type = "application/json";  // static text (a literal): it is never copied
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // Called exactly once after the response was written to the socket (true) or when writing it
  // failed or the connection was gone (false). Lets the comms API mark orders `sent` only after
  // the agent really received them.
  std::function<void(bool written)> on_written;
};

}  // namespace herald::http
