#include "engine/stored_alert.h"

#include <boost/json.hpp>

#include <charconv>

#include "core/time_format.h"

namespace herald::engine {

namespace json = boost::json;

namespace {

std::optional<int> digits(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

std::optional<std::int64_t> parse_alert_timestamp(std::string_view text) {
  // yyyy-MM-ddTHH:mm:ss.mmm+hhmm
  if (text.size() != 28 || text[19] != '.' || (text[23] != '+' && text[23] != '-')) return std::nullopt;
  auto seconds = core::parse_utc(std::string(text.substr(0, 19)) + "Z");
  auto millis = digits(text.substr(20, 3));
  auto hours = digits(text.substr(24, 2));
  auto minutes = digits(text.substr(26, 2));
  if (!seconds || !millis || !hours || !minutes) return std::nullopt;
  const std::int64_t offset = (*hours * 3600 + *minutes * 60) * (text[23] == '-' ? -1 : 1);
  return (*seconds - offset) * 1000 + *millis;
}

std::optional<store::StoredAlert> to_stored_alert(const analysis::AlertRecord& alert) {
  boost::system::error_code ec;
  auto parsed = json::parse(alert.json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& root = parsed.get_object();
  store::StoredAlert row;
  row.id = alert.id;
  row.level = alert.level;
  row.rule_id = alert.rule_id;
  row.json = alert.json;
  row.time_ms = parse_alert_timestamp(string_at(root, "timestamp")).value_or(0);
  row.full_log = string_at(root, "full_log");
  if (const auto* agent = root.if_contains("agent"); agent != nullptr && agent->is_object()) {
    row.agent_id = string_at(agent->get_object(), "id");
  }
  row.groups = ",";
  if (const auto* rule = root.if_contains("rule"); rule != nullptr && rule->is_object()) {
    row.description = string_at(rule->get_object(), "description");
    if (const auto* groups = rule->get_object().if_contains("groups"); groups != nullptr && groups->is_array()) {
      for (const auto& group : groups->get_array()) {
        if (group.is_string()) row.groups += std::string(group.get_string()) + ",";
      }
    }
  }
  return row;
}

}  // namespace herald::engine
