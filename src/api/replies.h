#pragma once
// The one place that shapes replies: JSON bodies, Wazuh's envelope, problem details, and the
// mapping from core::Error to an HTTP status.
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/message.h"

namespace herald::api {

http::Response json_reply(unsigned status, const boost::json::value& body);
http::Response text_reply(unsigned status, std::string_view text);

// Wazuh API error shape: {"title","detail"[,"remediation"][,"error"]}.
http::Response problem_reply(unsigned status, std::string_view title, std::string_view detail,
                             std::optional<int> wazuh_error = std::nullopt,
                             std::optional<std::string_view> remediation = std::nullopt);

// {"data":{"affected_items":[...],"total_affected_items":n,"total_failed_items":k,"failed_items":[...]},
//  "message":..,"error":0|1|2} — error is 0 when nothing failed, 1 when everything failed, 2 when partial.
http::Response envelope_reply(boost::json::array affected, std::int64_t total_affected, boost::json::array failed,
                              std::string_view message);

// A failed item of the envelope: {"error":{"code","message"},"id":[id]}.
boost::json::object failed_item(std::string_view id, int code, std::string_view message);

// Store/engine failures: unavailable -> 503, not_found -> 404, conflict -> 409, invalid -> 400,
// anything else -> 500. The body is a problem reply; a 500's detail is generic (its message is
// logged, never sent: it may quote SQLite or libpq).
http::Response error_reply(const core::Error& error);

// A store failure on a read route: 503 problem JSON with a generic detail and Retry-After. The
// store's own text (SQLite or libpq internals, SQL fragments) goes to the log, never to the client.
// `route` names the route in the log line.
http::Response store_failure_reply(const core::Error& error, std::string_view route);

// Parses `offset`/`limit` query parameters (limit default 500, max 100000). nullopt + `error`
// filled on a bad value.
struct Paging {
  std::int64_t offset = 0;
  std::int64_t limit = 500;
};
std::optional<Paging> parse_paging(const http::Request& request, http::Response& error);

}  // namespace herald::api
