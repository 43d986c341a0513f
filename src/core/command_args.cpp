#include "core/command_args.h"

#include <algorithm>
#include <cctype>

#include "core/field_limits.h"
#include "core/input_checks.h"

namespace herald::core {

namespace json = boost::json;

namespace {

constexpr std::string_view kArgs = "[command.action.args]";

std::string expected_object(const json::value& args) {
  return "Expected " + std::string(kArgs) + " to be an object, got [" + std::string(json_token_name(args)) + "]";
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::variant<json::object, std::string> set_group_args(const json::object& args) {
  // Upstream reads the first key and requires it to be `groups`; anything else is refused.
  for (const auto& entry : args) {
    if (entry.key() != "groups") {
      return "Expected " + std::string(kArgs) + " to contain the [groups] key, got [" + std::string(entry.key()) + "]";
    }
  }
  const auto* groups = args.if_contains("groups");
  if (groups == nullptr) return "Expected " + std::string(kArgs) + " to contain the [groups] key, got []";
  if (!groups->is_array()) {
    return "Expected [command.action.args.groups] to be an array, got [" + std::string(json_token_name(*groups)) + "]";
  }
  json::array kept;
  const auto& items = groups->get_array();
  for (std::size_t index = 0; index < items.size(); ++index) {
    const auto& item = items[index];
    if (!item.is_string()) {
      return "Expected [command.action.args.groups] to be an array of strings only, got [" +
             std::string(json_token_name(item)) + "]";
    }
    if (item.get_string().empty()) continue;
    // Group names are bounded as everywhere else; an agent in more groups than this is refused too.
    auto at = "command.action.args.groups[" + std::to_string(index) + "]";
    if (auto violation = check_length(at, item.get_string(), kMaxGroupNameLength)) {
      return "Expected [" + at + "] to be " + violation->limit + ", got [" + violation->actual + "]";
    }
    kept.push_back(item);
  }
  if (auto violation = check_count("command.action.args.groups", kept.size(), kMaxAgentGroups)) {
    return "Expected [command.action.args.groups] to have " + violation->limit + ", got [" + violation->actual + "]";
  }
  return json::object{{"groups", std::move(kept)}};
}

// active-response (Wazuh 4.x agents, "#!-execd"): {"command": <ar.conf name>, "extra_args": [strings],
// "alert": {object}}; the command name is what the agent's execd looks up, so it is kept to the
// characters Wazuh's names use (a leading '!' names a script, as the Wazuh API allows).
std::variant<json::object, std::string> active_response_args(const json::object& args) {
  for (const auto& entry : args) {
    if (entry.key() != "command" && entry.key() != "extra_args" && entry.key() != "alert") {
      return "Expected " + std::string(kArgs) + " to contain only [command], [extra_args] and [alert], got [" +
             std::string(entry.key()) + "]";
    }
  }
  const auto* command = args.if_contains("command");
  if (command == nullptr) return "Expected " + std::string(kArgs) + " to contain the [command] key";
  const auto valid_name = [](std::string_view name) {
    if (name.empty() || name.size() > kMaxGroupNameLength) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(name[i]);
      if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.' || (c == '!' && i == 0))) return false;
    }
    return name != "!";
  };
  if (!command->is_string() || !valid_name(command->get_string())) {
    return "Expected [command.action.args.command] to be an active response name ([A-Za-z0-9._-], at most " +
           std::to_string(kMaxGroupNameLength) + " characters), got [" +
           (command->is_string() ? std::string(command->get_string()) : std::string(json_token_name(*command))) + "]";
  }
  json::object out{{"command", *command}};
  if (const auto* extra = args.if_contains("extra_args")) {
    if (!extra->is_array()) {
      return "Expected [command.action.args.extra_args] to be an array, got [" + std::string(json_token_name(*extra)) + "]";
    }
    for (const auto& item : extra->get_array()) {
      if (!item.is_string()) {
        return "Expected [command.action.args.extra_args] to be an array of strings only, got [" +
               std::string(json_token_name(item)) + "]";
      }
    }
    out["extra_args"] = *extra;
  }
  if (const auto* alert = args.if_contains("alert")) {
    if (!alert->is_object()) {
      return "Expected [command.action.args.alert] to be an object, got [" + std::string(json_token_name(*alert)) + "]";
    }
    out["alert"] = *alert;
  }
  return out;
}

std::variant<json::object, std::string> update_args(const json::object& args) {
  const auto* index = args.if_contains("index");
  const auto* offset = args.if_contains("offset");
  if (index == nullptr || offset == nullptr) {
    return "Expected " + std::string(kArgs) + " to contain the [index] and [offset] keys";
  }
  for (auto [key, value] : {std::pair{"index", index}, std::pair{"offset", offset}}) {
    if (!value->is_string()) {
      return "Expected " + std::string(kArgs) + " to be an field or a text value, got [" + std::string(key) + "]";
    }
  }
  return json::object{{"index", *index}, {"offset", *offset}};
}

json::object refresh_args(const json::object& args) {
  const auto* index = args.if_contains("index");
  if (index == nullptr) return {};
  json::array kept;
  if (index->is_string()) {
    kept.push_back(*index);
  } else if (index->is_array()) {
    for (const auto& item : index->get_array()) {
      if (item.is_string()) kept.push_back(item);
    }
  } else {
    return {};
  }
  return json::object{{"index", std::move(kept)}};
}

// Generic actions (restart, …): copied, with null turned into "" and booleans dropped, as upstream.
json::value generic_copy(const json::value& value) {
  if (value.is_object()) {
    json::object out;
    for (const auto& entry : value.get_object()) {
      if (entry.value().is_bool()) continue;
      out[entry.key()] = generic_copy(entry.value());
    }
    return out;
  }
  if (value.is_array()) {
    json::array out;
    for (const auto& item : value.get_array()) {
      if (item.is_bool()) continue;
      out.push_back(generic_copy(item));
    }
    return out;
  }
  if (value.is_null()) return json::string("");
  return value;
}

}  // namespace

std::string_view json_token_name(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object: return "START_OBJECT";
    case json::kind::array: return "START_ARRAY";
    case json::kind::string: return "VALUE_STRING";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "VALUE_NUMBER";
    case json::kind::bool_: return value.get_bool() ? "VALUE_TRUE" : "VALUE_FALSE";
    case json::kind::null: return "VALUE_NULL";
  }
  return "VALUE_NULL";
}

std::variant<json::object, std::string> normalize_action_args(std::string_view action_name, const Target& target,
                                                              const json::value* args) {
  if (action_name == "update") {
    if (target.type != TargetType::server) {
      return "Expected [command.target.type] to contain [server] value, got [" + upper(to_string(target.type)) + "]";
    }
    if (!iequals(target.id, "vulnerability-detector")) {
      return "Expected [command.target.id] to contain [vulnerability-detector] value, got [" + target.id + "]";
    }
  }
  if (action_name == "active-response" && (args == nullptr || args->is_null())) {
    return "Expected " + std::string(kArgs) + " to contain the [command] key";
  }
  // fetch-config ignores whatever args it is given (wire-protocol (a)).
  if (args == nullptr || action_name == "fetch-config") return json::object{};
  if (!args->is_object()) return expected_object(*args);
  const auto& object = args->get_object();

  if (action_name == "set-group") return set_group_args(object);
  if (action_name == "active-response") return active_response_args(object);
  if (action_name == "update") return update_args(object);
  if (action_name == "refresh") return refresh_args(object);
  return generic_copy(*args).get_object();
}

}  // namespace herald::core
