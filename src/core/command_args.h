#pragma once
// Per-action normalization of `action.args`, the upstream plugin's rules (wire-protocol (a)).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

#include "core/order.h"

namespace herald::core {

// The Jackson token name upstream messages use for a JSON value: START_OBJECT, START_ARRAY,
// VALUE_STRING, VALUE_NUMBER, VALUE_TRUE, VALUE_FALSE, VALUE_NULL.
std::string_view json_token_name(const boost::json::value& value);

// Returns the args object to store, or the exact validation message. `args` is null when the
// command had none (then {} is stored, except that `update` still checks its target).
std::variant<boost::json::object, std::string> normalize_action_args(std::string_view action_name,
                                                                     const Target& target,
                                                                     const boost::json::value* args);

}  // namespace herald::core
