#include "api/content_type.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace herald::api {

std::string media_type(const http::Request& request) {
  std::string_view value = request.header("Content-Type").value_or("");
  value = value.substr(0, value.find(';'));
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.remove_suffix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.remove_prefix(1);
  std::string type(value);
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

bool declares_json(const http::Request& request) { return media_type(request) == "application/json"; }

}  // namespace herald::api
