#pragma once
// Validation of POST /_plugins/_command_manager/commands bodies, with the upstream plugin's exact
// error messages (wire-protocol (a)) and Herald's deliberate improvements:
//  - `action`/`target` and `name`/`args` are accepted in any order;
//  - the body must be an object with a `commands` array (upstream takes any first key);
//  - `timeout` must be an integer in 1..32767 (upstream loses larger ones at index time);
//  - a target without `type` is a 400, not a null-pointer 500;
//  - stored strings, args and JSON nesting are bounded (core/field_limits.h), and a number beyond
//    the range of a double is a 400 naming it (it used to turn the whole args into {}).
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/order.h"

namespace herald::core {

struct CommandParseError {
  enum class Format {
    plain_text,     // text/plain body, e.g. "No commands provided."
    indexer_error,  // {"error":{"root_cause":[...],"type":..,"reason":..},"status":400}
  };
  Format format = Format::indexer_error;
  std::string type;  // "illegal_argument_exception" or "parsing_exception" (indexer_error only)
  std::string message;
};

using ParsedCommands = std::variant<std::vector<Command>, CommandParseError>;

// Parses and validates a whole request body. Never throws. Args are normalized per action
// (set-group, fetch-config, update, refresh, generic) and stored serialized in Action::args_json.
ParsedCommands parse_commands(std::string_view body);

inline constexpr std::string_view kBodyRequired = "Body content is required";
inline constexpr std::string_view kNoCommands = "No commands provided.";
inline constexpr std::string_view kCannotGenerateOrders =
    "Cannot generate orders. Invalid agent IDs or groups.";
inline constexpr int kMaxTimeoutSeconds = 32767;

}  // namespace herald::core
