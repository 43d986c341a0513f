#include "http_response_head.h"

#include <charconv>

namespace herald::bench {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool without_body(unsigned status) { return status < 200 || status == 204 || status == 304; }

}  // namespace

HeadParse parse_response_head(std::string_view data, ResponseHead& head, std::string& problem) {
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return HeadParse::incomplete;
  head = ResponseHead{};
  head.head_bytes = end + 4;
  std::string_view rest = data.substr(0, end + 2);  // every line, each ending in CRLF

  // "HTTP/1.1 204 No Content"
  const auto status_end = rest.find("\r\n");
  const auto status_line = rest.substr(0, status_end);
  rest.remove_prefix(status_end + 2);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    problem = "malformed status line";
    return HeadParse::invalid;
  }
  const auto code = status_line.substr(9, 3);
  if (auto [ptr, ec] = std::from_chars(code.data(), code.data() + 3, head.status);
      ec != std::errc() || ptr != code.data() + 3) {
    problem = "malformed status line";
    return HeadParse::invalid;
  }

  bool has_length = false;
  while (!rest.empty()) {
    const auto line_end = rest.find("\r\n");
    const auto line = rest.substr(0, line_end);
    rest.remove_prefix(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = trim(line.substr(0, colon));
    const auto value = trim(line.substr(colon + 1));
    if (equals_ignoring_case(name, "content-length")) {
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), head.body_bytes);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        problem = "bad Content-Length";
        return HeadParse::invalid;
      }
      has_length = true;
    } else if (equals_ignoring_case(name, "transfer-encoding")) {
      problem = "Transfer-Encoding is not supported";
      return HeadParse::invalid;
    } else if (equals_ignoring_case(name, "connection")) {
      head.closes = equals_ignoring_case(value, "close");
    }
  }
  if (without_body(head.status)) {
    head.body_bytes = 0;
  } else if (!has_length) {
    problem = "no Content-Length";
    return HeadParse::invalid;
  }
  return HeadParse::complete;
}

}  // namespace herald::bench
