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
    // The engine's responses (engine/active_response.h) carry a mode and their timeout. A 4.x
    // agent's execd runs every message as "add" and undoes a response itself, after the timeout
    // its ar.conf gives the name ("firewall-drop600"), so the name carries the timeout, as
    // analysisd sends it, and an undo order is not sent (it would add the response again).
    if (const auto* mode = args.if_contains("mode"); mode != nullptr && mode->is_string()) {
      if (mode->get_string() == "delete") {
        action.kind = LegacyAction::Kind::unsupported;
        action.failure = "Not sent: a Wazuh 4.x agent's execd undoes '" + action.command +
                         "' itself, after the timeout in the name its ar.conf lists";
        return action;
      }
      const auto* timeout = args.if_contains("timeout");
      action.command += std::to_string(timeout != nullptr && timeout->is_int64() ? timeout->get_int64() : 0);
    }
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
