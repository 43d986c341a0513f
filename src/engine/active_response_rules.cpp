#include "engine/active_response_rules.h"

#include <algorithm>
#include <boost/json.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
}

}  // namespace

std::optional<ResponseLocation> parse_response_location(std::string_view text) {
  if (text == "local") return ResponseLocation::local;
  if (text == "server") return ResponseLocation::server;
  if (text == "defined-agent") return ResponseLocation::defined_agent;
  if (text == "all") return ResponseLocation::all;
  return std::nullopt;
}

std::optional<AlertFacts> alert_facts(std::string_view alert_json) {
  json::error_code ec;
  auto parsed = json::parse(alert_json, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& root = parsed.get_object();
  AlertFacts facts;
  facts.id = string_at(root, "id");
  if (const auto* rule = root.if_contains("rule"); rule != nullptr && rule->is_object()) {
    const auto& r = rule->get_object();
    // Wazuh writes rule.id as a string and rule.level as a number.
    const std::string id = string_at(r, "id");
    facts.rule_id = static_cast<std::uint32_t>(std::strtoul(id.c_str(), nullptr, 10));
    if (const auto* level = r.if_contains("level"); level != nullptr && level->is_int64()) {
      facts.level = static_cast<int>(level->get_int64());
    }
    if (const auto* groups = r.if_contains("groups"); groups != nullptr && groups->is_array()) {
      for (const auto& group : groups->get_array()) {
        if (group.is_string()) facts.groups.emplace_back(group.get_string());
      }
    }
  }
  if (const auto* agent = root.if_contains("agent"); agent != nullptr && agent->is_object()) {
    facts.agent_id = string_at(agent->get_object(), "id");
  }
  if (const auto* data = root.if_contains("data"); data != nullptr && data->is_object()) {
    const auto& d = data->get_object();
    facts.srcip = string_at(d, "srcip");
    facts.user = string_at(d, "dstuser");
    if (facts.user.empty()) facts.user = string_at(d, "srcuser");
  }
  return facts;
}

bool response_matches(const ActiveResponseRule& rule, const AlertFacts& alert) {
  if (std::find(rule.rules_id.begin(), rule.rules_id.end(), alert.rule_id) != rule.rules_id.end()) return true;
  const bool in_group = std::any_of(rule.rules_group.begin(), rule.rules_group.end(), [&](const std::string& group) {
    return std::find(alert.groups.begin(), alert.groups.end(), group) != alert.groups.end();
  });
  if (rule.level > 0 && !rule.rules_group.empty()) return alert.level >= rule.level && in_group;
  if (rule.level > 0) return alert.level >= rule.level;
  return in_group;
}

std::vector<core::Target> response_targets(const ActiveResponseRule& rule, const AlertFacts& alert,
                                           const std::vector<std::string>& all_agents) {
  const core::Target server{core::TargetType::server, std::string(kServerResponseModule)};
  switch (rule.location) {
    case ResponseLocation::local:
      if (alert.agent_id.empty()) return {};
      if (alert.agent_id == "000") return {server};
      return {{core::TargetType::agent, alert.agent_id}};
    case ResponseLocation::server:
      return {server};
    case ResponseLocation::defined_agent:
      return {{core::TargetType::agent, rule.agent_id}};
    case ResponseLocation::all: {
      std::vector<core::Target> targets;
      for (const auto& id : all_agents) targets.push_back({core::TargetType::agent, id});
      return targets;
    }
  }
  return {};
}

}  // namespace herald::engine
