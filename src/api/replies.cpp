#include "api/replies.h"

#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include <charconv>

namespace herald::api {

namespace json = boost::json;

http::Response json_reply(unsigned status, const json::value& body) {
  http::Response response;
  response.status = status;
  response.body = json::serialize(body);
  return response;
}

http::Response text_reply(unsigned status, std::string_view text) {
  http::Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::string(text);
  return response;
}

http::Response problem_reply(unsigned status, std::string_view title, std::string_view detail,
                             std::optional<int> wazuh_error, std::optional<std::string_view> remediation) {
  json::object body{{"title", title}, {"detail", detail}};
  if (remediation) body["remediation"] = *remediation;
  if (wazuh_error) body["error"] = *wazuh_error;
  return json_reply(status, body);
}

http::Response envelope_reply(json::array affected, std::int64_t total_affected, json::array failed,
                              std::string_view message) {
  int error = failed.empty() ? 0 : (affected.empty() ? 1 : 2);
  auto failed_count = static_cast<std::int64_t>(failed.size());
  json::object data{{"affected_items", std::move(affected)},
                    {"total_affected_items", total_affected},
                    {"total_failed_items", failed_count},
                    {"failed_items", std::move(failed)}};
  return json_reply(200, json::object{{"data", std::move(data)}, {"message", message}, {"error", error}});
}

json::object failed_item(std::string_view id, int code, std::string_view message) {
  return json::object{{"error", json::object{{"code", code}, {"message", message}}}, {"id", json::array{json::string(id)}}};
}

http::Response error_reply(const core::Error& error) {
  switch (error.kind) {
    case core::ErrorKind::invalid_argument: return problem_reply(400, "Bad Request", error.message);
    case core::ErrorKind::not_found: return problem_reply(404, "Resource not found", error.message);
    case core::ErrorKind::conflict: return problem_reply(409, "Conflict", error.message);
    case core::ErrorKind::unauthorized: return problem_reply(401, "Unauthorized", error.message);
    case core::ErrorKind::forbidden: return problem_reply(403, "Forbidden", error.message);
    case core::ErrorKind::unavailable: return problem_reply(503, "Service Unavailable", error.message);
    case core::ErrorKind::internal: break;
  }
  // An internal error's text is for the operator (it may quote SQLite or libpq), not the client.
  spdlog::error("internal error answered with 500: {}", error.message);
  return problem_reply(500, "Internal Server Error", "The server failed to handle the request; see its log");
}

http::Response store_failure_reply(const core::Error& error, std::string_view route) {
  spdlog::error("{}: the store failed: {}", route, error.message);
  auto reply = problem_reply(503, "Service Unavailable", "The store could not answer the request; try again later");
  reply.headers.emplace_back("Retry-After", "1");
  return reply;
}

namespace {
std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}
}  // namespace

std::optional<Paging> parse_paging(const http::Request& request, http::Response& error) {
  Paging paging;
  if (auto offset = request.query_param("offset")) {
    auto value = parse_int(*offset);
    if (!value || *value < 0) {
      error = problem_reply(400, "Bad Request", "offset must be an integer >= 0");
      return std::nullopt;
    }
    paging.offset = *value;
  }
  if (auto limit = request.query_param("limit")) {
    auto value = parse_int(*limit);
    if (!value || *value < 1 || *value > 100000) {
      error = problem_reply(400, "Bad Request", "limit must be an integer between 1 and 100000");
      return std::nullopt;
    }
    paging.limit = *value;
  }
  return paging;
}

}  // namespace herald::api
