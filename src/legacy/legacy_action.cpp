#include "legacy/legacy_action.h"

#include <boost/json.hpp>

#include "core/input_checks.h"

namespace herald::legacy {

namespace json = boost::json;

namespace {

std::vector<std::string> strings_at(const json::object& args, std::string_view key) {
  std::vector<std::string> out;
  const auto* value = args.if_contains(key);
  if (value == nullptr || !value->is_array()) return out;
  for (const auto& item : value->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

}  // namespace

LegacyAction legacy_action(const core::Order& order) {
  LegacyAction action;
  const auto& name = order.command.action.name;
  json::error_code ec;
  auto parsed = json::parse(order.command.action.args_json, ec, {}, core::client_json_options());
  const json::object empty;
  const auto& args = !ec && parsed.is_object() ? parsed.get_object() : empty;
  if (name == "restart") {
    action.kind = LegacyAction::Kind::restart;
  } else if (name == "fetch-config") {
    action.kind = LegacyAction::Kind::push_config;
  } else if (name == "set-group") {
    action.kind = LegacyAction::Kind::push_config;
    action.groups = strings_at(args, "groups");
  } else if (name == "active-response") {
    // Validated when the command was accepted (core::normalize_action_args).
    action.kind = LegacyAction::Kind::active_response;
    if (const auto* command = args.if_contains("command"); command != nullptr && command->is_string()) {
      action.command = std::string(command->get_string());
    }
    action.extra_args = strings_at(args, "extra_args");
    if (const auto* alert = args.if_contains("alert"); alert != nullptr && alert->is_object()) {
      action.alert_json = json::serialize(*alert);
    }
  } else {
    action.failure = "Wazuh 4.x agents have no action '" + name + "' (they take restart, fetch-config, set-group and "
                     "active-response)";
  }
  return action;
}

}  // namespace herald::legacy
