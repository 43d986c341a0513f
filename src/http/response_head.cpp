#include "http/response_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace herald::http::detail {

namespace {

bool bodiless_status(unsigned status) { return status < 200 || status == 204 || status == 304; }

// RFC 9110 tchar.
bool is_token(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool is_safe_value(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos; }

bool is_framing(std::string_view name) {
  using boost::beast::iequals;
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") || iequals(name, "connection");
}

void append_number(std::string& out, std::size_t number) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

unsigned wire_status(const Response& response) {
  return response.status >= 100 && response.status <= 999 ? response.status : 500;
}

bool sends_body(const Response& response, bool head_request) {
  return !head_request && !bodiless_status(wire_status(response));
}

void write_response_head(const Response& response, unsigned version, bool keep_alive, std::string& out) {
  const unsigned status = wire_status(response);
  const bool http10 = version < 11;
  out.clear();
  out.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, status);
  out.push_back(' ');
  const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  out.append(reason.data(), reason.size()).append("\r\n");
  append_field(out, "Server", "herald");
  bool has_content_type = false;
  for (const auto& [name, value] : response.headers) {
    if (!is_token(name) || !is_safe_value(value) || is_framing(name)) continue;
    has_content_type = has_content_type || boost::beast::iequals(name, "content-type");
    append_field(out, name, value);
  }
  if (!bodiless_status(status)) {
    if (!has_content_type && !response.content_type.empty() && is_safe_value(response.content_type)) {
      append_field(out, "Content-Type", response.content_type);
    }
    out.append("Content-Length: ");
    append_number(out, response.body.size());
    out.append("\r\n");
  }
  // HTTP/1.1 is persistent unless told otherwise; HTTP/1.0 only when told so.
  if (http10 && keep_alive) append_field(out, "Connection", "keep-alive");
  if (!http10 && !keep_alive) append_field(out, "Connection", "close");
  out.append("\r\n");
}

}  // namespace herald::http::detail
