#include "engine/integration_payloads.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

const json::value* find_path(const json::object& alert, std::string_view path) {
  const json::object* object = &alert;
  for (;;) {
    const auto dot = path.find('.');
    const auto* value = object->if_contains(path.substr(0, dot));
    if (!value || dot == std::string_view::npos) return value;
    object = value->if_object();
    if (!object) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

std::string text_at(const json::object& alert, std::string_view path, std::string fallback = "") {
  const auto* value = find_path(alert, path);
  if (!value) return fallback;
  if (const auto* s = value->if_string()) return std::string(*s);
  return json::serialize(*value);
}

int level_of(const json::object& alert) {
  const auto* value = find_path(alert, "rule.level");
  return value && value->is_int64() ? static_cast<int>(value->as_int64()) : 0;
}

json::value value_or_null(const json::object& alert, std::string_view path) {
  const auto* value = find_path(alert, path);
  return value ? *value : json::value(nullptr);
}

}  // namespace

bool integration_matches(const IntegrationOptions& options, const json::object& alert) {
  if (level_of(alert) < options.level) return false;
  if (!options.rules_id.empty()) {
    const auto id = text_at(alert, "rule.id");
    const bool listed = std::any_of(options.rules_id.begin(), options.rules_id.end(),
                                    [&](std::uint32_t rule) { return std::to_string(rule) == id; });
    if (!listed) return false;
  }
  if (!options.groups.empty()) {
    const auto* groups = find_path(alert, "rule.groups");
    if (!groups || !groups->is_array()) return false;
    bool hit = false;
    for (const auto& group : groups->as_array()) {
      if (group.is_string() && std::find(options.groups.begin(), options.groups.end(), group.as_string()) !=
                                   options.groups.end())
        hit = true;
    }
    if (!hit) return false;
  }
  return true;
}

std::string slack_payload(const json::object& alert) {
  const int level = level_of(alert);
  json::object message;
  message["color"] = level <= 4 ? "good" : level <= 7 ? "warning" : "danger";
  message["pretext"] = "WAZUH Alert";
  message["title"] = text_at(alert, "rule.description", "N/A");
  message["text"] = value_or_null(alert, "full_log");
  json::array fields;
  if (alert.contains("agent")) {
    fields.push_back(json::object{
        {"title", "Agent"}, {"value", "(" + text_at(alert, "agent.id") + ") - " + text_at(alert, "agent.name")}});
  }
  if (alert.contains("agentless")) {
    fields.push_back(json::object{{"title", "Agentless Host"}, {"value", value_or_null(alert, "agentless.host")}});
  }
  fields.push_back(json::object{{"title", "Location"}, {"value", value_or_null(alert, "location")}});
  fields.push_back(json::object{
      {"title", "Rule ID"}, {"value", text_at(alert, "rule.id") + " _(Level " + std::to_string(level) + ")_"}});
  message["fields"] = std::move(fields);
  message["ts"] = value_or_null(alert, "id");
  return json::serialize(json::object{{"attachments", json::array{std::move(message)}}});
}

std::string pagerduty_payload(const json::object& alert, const std::string& routing_key) {
  std::string groups;
  if (const auto* list = find_path(alert, "rule.groups"); list && list->is_array()) {
    for (const auto& group : list->as_array()) {
      if (!groups.empty()) groups += ", ";
      groups += group.is_string() ? std::string(group.as_string()) : json::serialize(group);
    }
  }
  json::object payload{{"summary", text_at(alert, "rule.description", "N/A")},
                       {"timestamp", value_or_null(alert, "timestamp")},
                       {"source", value_or_null(alert, "agent.name")},
                       {"severity", level_of(alert) >= 7 ? "warning" : "info"},
                       {"group", groups},
                       {"custom_details", alert}};
  return json::serialize(json::object{{"routing_key", routing_key},
                                      {"event_action", "trigger"},
                                      {"payload", std::move(payload)},
                                      {"client", "Wazuh Monitoring Service"},
                                      {"client_url", "https://wazuh.com"}});
}

std::string render_webhook_template(std::string_view json_template, const json::object& alert) {
  std::string out;
  out.reserve(json_template.size());
  std::size_t at = 0;
  for (;;) {
    const auto open = json_template.find("$(", at);
    const auto close = open == std::string_view::npos ? open : json_template.find(')', open + 2);
    if (close == std::string_view::npos) {
      out += json_template.substr(at);
      return out;
    }
    out += json_template.substr(at, open - at);
    // serialize() of a string gives it quoted and escaped: the inside is what a JSON string needs.
    const std::string quoted = json::serialize(json::value(text_at(alert, json_template.substr(open + 2, close - open - 2))));
    out.append(quoted, 1, quoted.size() - 2);
    at = close + 1;
  }
}

}  // namespace herald::engine
