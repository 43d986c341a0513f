#include "core/command_args.h"

#include <algorithm>
#include <cctype>

#include "core/finite_numbers.h"

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
  for (const auto& item : groups->get_array()) {
    if (!item.is_string()) {
      return "Expected [command.action.args.groups] to be an array of strings only, got [" +
             std::string(json_token_name(item)) + "]";
    }
    if (!item.get_string().empty()) kept.push_back(item);
  }
  return json::object{{"groups", std::move(kept)}};
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
  // fetch-config ignores whatever args it is given (wire-protocol (a)).
  if (args == nullptr || action_name == "fetch-config") return json::object{};
  if (!args->is_object()) return expected_object(*args);
  const auto& object = args->get_object();

  if (action_name == "set-group") return set_group_args(object);
  if (action_name == "update") return update_args(object);
  if (action_name == "refresh") return refresh_args(object);
  // Only generic args keep numbers; an infinite one would be stored as `Infinity` (not JSON).
  if (!holds_only_finite_numbers(*args)) {
    return "Expected " + std::string(kArgs) + " to hold only numbers that fit a double";
  }
  return generic_copy(*args).get_object();
}

}  // namespace herald::core
