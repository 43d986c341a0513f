#include "cli/api_errors.h"

#include <boost/json.hpp>

#include "cli/json_fields.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

std::string from_json(const json::object& body) {
  if (auto detail = field_text(body, "detail"); !detail.empty()) return detail;
  if (auto reason = path_text(body, "error.reason"); !reason.empty()) return reason;
  if (auto message = field_text(body, "message"); !message.empty()) return message;
  return field_text(body, "title");
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
