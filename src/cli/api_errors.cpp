#include "cli/api_errors.h"

#include <boost/json.hpp>

namespace herald::cli {

namespace json = boost::json;

namespace {

std::string string_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

std::string from_json(const json::object& body) {
  if (auto detail = string_member(body, "detail"); !detail.empty()) return detail;
  if (const auto* error = body.if_contains("error"); error && error->is_object()) {
    if (auto reason = string_member(error->get_object(), "reason"); !reason.empty()) return reason;
  }
  if (auto message = string_member(body, "message"); !message.empty()) return message;
  return string_member(body, "title");
}

}  // namespace

std::string error_message(const HttpResponse& response) {
  std::string status = "HTTP " + std::to_string(response.status);
  json::error_code ec;
  auto body = json::parse(response.body, ec);
  if (!ec && body.is_object()) {
    auto message = from_json(body.get_object());
    return message.empty() ? status : message;
  }
  std::string text = response.body;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (!text.empty() && text.size() <= 1000 && text.find('\n') == std::string::npos) return text;
  return status;
}

}  // namespace herald::cli
