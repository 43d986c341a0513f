#include "core/command_parser.h"

#include <boost/json.hpp>

#include <optional>

#include "core/command_args.h"
#include "core/field_limits.h"
#include "core/input_checks.h"

namespace herald::core {

namespace json = boost::json;

namespace {

CommandParseError illegal(std::string message) {
  return {CommandParseError::Format::indexer_error, "illegal_argument_exception", std::move(message)};
}

// Limits in the upstream message style: "Expected [command.source] to be at most 256 bytes long, got
// [100000 bytes]".
CommandParseError over_limit(const LimitViolation& violation) {
  return illegal("Expected [" + violation.field + "] to be " + violation.limit + ", got [" + violation.actual + "]");
}

std::optional<CommandParseError> check_short(std::string_view field, std::string_view value) {
  if (auto violation = check_length(field, value, kMaxShortText)) return over_limit(*violation);
  return std::nullopt;
}

// The stored fields of a parsed command, each at most kMaxShortText.
std::optional<CommandParseError> check_command_fields(const Command& command) {
  if (auto error = check_short("command.source", command.source)) return error;
  if (command.user) {
    if (auto error = check_short("command.user", *command.user)) return error;
  }
  if (auto error = check_short("command.target.id", command.target.id)) return error;
  if (auto error = check_short("command.action.name", command.action.name)) return error;
  if (command.action.version) {
    if (auto error = check_short("command.action.version", *command.action.version)) return error;
  }
  return std::nullopt;
}

// The normalized args, as they will be stored and delivered.
std::optional<CommandParseError> check_args(const json::object& args, std::string& serialized) {
  if (auto violation = check_json_values(args, "command.action.args", kMaxLongText, kMaxShortText)) {
    return over_limit(*violation);
  }
  serialized = json::serialize(args);
  if (auto violation = check_json_size("command.action.args", serialized.size(), kMaxArgsJsonBytes)) {
    return over_limit(*violation);
  }
  return std::nullopt;
}

CommandParseError plain(std::string_view message) {
  return {CommandParseError::Format::plain_text, "", std::string(message)};
}

std::optional<CommandParseError> parse_target(const json::value& value, Target& target) {
  if (!value.is_object()) {
    return illegal("Expected [command.target] to be an object, got [" + std::string(json_token_name(value)) + "]");
  }
  const auto& object = value.get_object();
  const auto* type = object.if_contains("type");
  if (type == nullptr || type->is_null()) return illegal("Missing arguments: [target.type]");
  if (!type->is_string()) return illegal("Invalid type: " + json::serialize(*type));
  auto parsed = parse_target_type(type->get_string());
  if (!parsed) return illegal("Invalid type: " + std::string(type->get_string()));
  target.type = *parsed;
  const auto* id = object.if_contains("id");
  if (id == nullptr || id->is_null()) {
    target.id.clear();  // upstream: a missing id becomes ""
  } else if (id->is_string()) {
    target.id = std::string(id->get_string());
  } else {
    return illegal("Expected [command.target.id] to be a string, got [" + std::string(json_token_name(*id)) + "]");
  }
  return std::nullopt;
}

std::optional<CommandParseError> parse_action(const json::value& value, Action& action, json::value const*& args) {
  if (!value.is_object()) {
    return illegal("Expected [command.action] to be an object, got [" + std::string(json_token_name(value)) + "]");
  }
  const auto& object = value.get_object();
  const auto* name = object.if_contains("name");
  if (name == nullptr || name->is_null()) return illegal("Missing arguments: [action.name]");
  if (!name->is_string() || name->get_string().empty()) {
    return illegal("Expected [command.action.name] to be a non-empty string, got [" +
                   std::string(json_token_name(*name)) + "]");
  }
  action.name = std::string(name->get_string());
  const auto* version = object.if_contains("version");
  if (version == nullptr || version->is_null()) {
    action.version.reset();
  } else if (version->is_string()) {
    action.version = std::string(version->get_string());
  } else {
    return illegal("Expected [command.action.version] to be a string, got [" +
                   std::string(json_token_name(*version)) + "]");
  }
  args = object.if_contains("args");
  if (args != nullptr && args->is_null()) args = nullptr;
  return std::nullopt;
}

std::optional<CommandParseError> parse_timeout(const json::value& value, int& timeout) {
  std::optional<std::int64_t> seconds;
  if (value.is_int64()) seconds = value.get_int64();
  if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(kMaxTimeoutSeconds)) {
    seconds = static_cast<std::int64_t>(value.get_uint64());
  }
  if (!seconds || *seconds < 1 || *seconds > kMaxTimeoutSeconds) {
    return illegal("Expected [command.timeout] to be an integer between 1 and " +
                   std::to_string(kMaxTimeoutSeconds) + ", got [" + json::serialize(value) + "]");
  }
  timeout = static_cast<int>(*seconds);
  return std::nullopt;
}

std::optional<CommandParseError> parse_optional_string(const json::object& object, std::string_view key,
                                                       std::optional<std::string>& out) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    return illegal("Expected [command." + std::string(key) + "] to be a string, got [" +
                   std::string(json_token_name(*value)) + "]");
  }
  out = std::string(value->get_string());
  return std::nullopt;
}

std::variant<Command, CommandParseError> parse_command(const json::value& value) {
  if (!value.is_object()) {
    return illegal("Expected [commands] to contain objects, got [" + std::string(json_token_name(value)) + "]");
  }
  const auto& object = value.get_object();
  std::vector<std::string> missing;
  for (std::string_view key : {"source", "target", "timeout", "action"}) {
    const auto* field = object.if_contains(key);
    if (field == nullptr || field->is_null()) missing.emplace_back(key);
  }
  if (!missing.empty()) {
    std::string message = "Missing arguments: [";
    for (std::size_t i = 0; i < missing.size(); ++i) message += (i ? ", " : "") + missing[i];
    return illegal(message + "]");
  }

  Command command;
  std::optional<std::string> source;
  if (auto error = parse_optional_string(object, "source", source)) return *error;
  command.source = *source;
  if (auto error = parse_optional_string(object, "user", command.user)) return *error;
  if (auto error = parse_target(object.at("target"), command.target)) return *error;
  if (auto error = parse_timeout(object.at("timeout"), command.timeout_seconds)) return *error;
  const json::value* args = nullptr;
  if (auto error = parse_action(object.at("action"), command.action, args)) return *error;
  if (auto error = check_command_fields(command)) return *error;

  auto normalized = normalize_action_args(command.action.name, command.target, args);
  if (auto* message = std::get_if<std::string>(&normalized)) return illegal(*message);
  if (auto error = check_args(std::get<json::object>(normalized), command.action.args_json)) return *error;
  return command;
}

}  // namespace

ParsedCommands parse_commands(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return plain(kBodyRequired);

  json::error_code ec;
  json::value root = json::parse(body, ec, {}, client_json_options());
  if (ec) {
    return CommandParseError{CommandParseError::Format::indexer_error, "parsing_exception",
                             "Failed to parse the request body as JSON: " + json_parse_problem(ec)};
  }
  if (!root.is_object()) {
    return CommandParseError{CommandParseError::Format::indexer_error, "parsing_exception",
                             "Expected a JSON object with a [commands] array, got [" +
                                 std::string(json_token_name(root)) + "]"};
  }
  const auto* commands = root.get_object().if_contains("commands");
  if (commands == nullptr || !commands->is_array() || commands->get_array().empty()) {
    return plain(kNoCommands);
  }

  std::vector<Command> parsed;
  parsed.reserve(commands->get_array().size());
  for (const auto& item : commands->get_array()) {
    auto result = parse_command(item);
    if (auto* error = std::get_if<CommandParseError>(&result)) return *error;
    parsed.push_back(std::move(std::get<Command>(result)));
  }
  return parsed;
}

}  // namespace herald::core
