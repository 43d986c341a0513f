#include "core/input_checks.h"

#include <boost/json.hpp>
#include <cmath>

#include "core/field_limits.h"

namespace herald::core {

namespace json = boost::json;

namespace {

std::string bytes(std::size_t count) {
  return std::to_string(count) + " bytes";
}

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::optional<LimitViolation> string_at(const json::object& object, std::string_view key, const std::string& path,
                                        std::size_t limit) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return check_length(child(path, key), value->get_string(), limit);
}

}  // namespace

std::string LimitViolation::message() const {
  return field + " must be " + limit + ", got " + actual;
}

json::parse_options client_json_options() {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  return options;
}

std::string json_parse_problem(const boost::system::error_code& ec) {
  if (ec == json::error::too_deep) {
    return "it nests deeper than " + std::to_string(kMaxJsonDepth) + " levels of arrays and objects";
  }
  return ec.message();
}

std::optional<LimitViolation> check_length(std::string_view field, std::string_view value, std::size_t limit) {
  if (value.size() <= limit) return std::nullopt;
  return LimitViolation{std::string(field), "at most " + bytes(limit) + " long", bytes(value.size())};
}

std::optional<LimitViolation> check_count(std::string_view field, std::size_t count, std::size_t limit) {
  if (count <= limit) return std::nullopt;
  return LimitViolation{std::string(field), "at most " + std::to_string(limit) + " items",
                        std::to_string(count) + " items"};
}

std::optional<LimitViolation> check_json_size(std::string_view field, std::size_t size, std::size_t limit) {
  if (size <= limit) return std::nullopt;
  return LimitViolation{std::string(field), "at most " + bytes(limit) + " as JSON", bytes(size)};
}

std::optional<LimitViolation> check_json_values(const json::value& value, const std::string& path,
                                                std::size_t max_string, std::size_t max_key) {
  switch (value.kind()) {
    case json::kind::string:
      return check_length(path, value.get_string(), max_string);
    case json::kind::double_:
      if (std::isfinite(value.get_double())) return std::nullopt;
      return LimitViolation{path, "a number within the range of a double (magnitude at most 1.7976931348623157e308)",
                            "a number beyond it"};
    case json::kind::object:
      for (const auto& entry : value.get_object()) {
        if (entry.key().size() > max_key) {
          return LimitViolation{path, "an object whose keys are at most " + bytes(max_key) + " long",
                                "a key of " + bytes(entry.key().size())};
        }
        if (auto violation = check_json_values(entry.value(), child(path, entry.key()), max_string, max_key)) {
          return violation;
        }
      }
      return std::nullopt;
    case json::kind::array: {
      const auto& array = value.get_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (auto violation = check_json_values(array[i], path + "[" + std::to_string(i) + "]", max_string, max_key)) {
          return violation;
        }
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<LimitViolation> check_agent_host(const json::object& host, const std::string& path) {
  for (std::string_view key : {"hostname", "architecture"}) {
    if (auto violation = string_at(host, key, path, kMaxShortText)) return violation;
  }
  if (const auto* os = host.if_contains("os"); os != nullptr && os->is_object()) {
    for (std::string_view key : {"name", "type", "version", "platform"}) {
      if (auto violation = string_at(os->get_object(), key, child(path, "os"), kMaxShortText)) return violation;
    }
  }
  if (const auto* ip = host.if_contains("ip"); ip != nullptr) {
    const auto ip_path = child(path, "ip");
    if (ip->is_string()) {
      if (auto violation = check_length(ip_path, ip->get_string(), kMaxShortText)) return violation;
    } else if (ip->is_array()) {
      const auto& ips = ip->get_array();
      if (auto violation = check_count(ip_path, ips.size(), kMaxAgentIps)) return violation;
      for (std::size_t i = 0; i < ips.size(); ++i) {
        if (!ips[i].is_string()) continue;
        auto at = ip_path + "[" + std::to_string(i) + "]";
        if (auto violation = check_length(at, ips[i].get_string(), kMaxShortText)) return violation;
      }
    }
  }
  if (auto violation = check_json_values(host, path, kMaxLongText, kMaxShortText)) return violation;
  return check_json_size(path, json::serialize(host).size(), kMaxHostJsonBytes);
}

std::optional<LimitViolation> check_command_result(std::string_view message, const json::value* data) {
  if (auto violation = check_length("command.result.message", message, kMaxLongText)) return violation;
  if (data == nullptr) return std::nullopt;
  if (auto violation = check_json_values(*data, "command.result.data", kMaxLongText, kMaxShortText)) return violation;
  return check_json_size("command.result.data", json::serialize(*data).size(), kMaxResultDataBytes);
}

}  // namespace herald::core
