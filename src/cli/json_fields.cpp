#include "cli/json_fields.h"

#include <boost/json.hpp>
#include <charconv>

namespace herald::cli {

namespace json = boost::json;

std::string field_text(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return {};
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_number() || value->is_bool()) return json::serialize(*value);
  return {};
}

std::string path_text(const json::object& object, std::string_view dotted_path) {
  const json::object* current = &object;
  for (;;) {
    auto dot = dotted_path.find('.');
    if (dot == std::string_view::npos) return field_text(*current, dotted_path);
    current = &field_object(*current, dotted_path.substr(0, dot));
    dotted_path.remove_prefix(dot + 1);
  }
}

std::int64_t field_integer(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
  if (value->is_string()) {
    auto text = value->get_string();
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc() && end == text.data() + text.size()) return number;
  }
  return 0;
}

const json::object& field_object(const json::object& object, std::string_view key) {
  static const json::object empty;
  const auto* value = object.if_contains(key);
  return value && value->is_object() ? value->get_object() : empty;
}

std::string field_list(const json::object& object, std::string_view key, std::string_view separator) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_array()) return {};
  std::string out;
  for (const auto& item : value->get_array()) {
    if (!item.is_string()) continue;
    if (!out.empty()) out += separator;
    out += std::string(item.get_string());
  }
  return out;
}

}  // namespace herald::cli
