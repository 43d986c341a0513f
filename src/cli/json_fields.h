#pragma once
// Reading fields of the server's JSON for display: absent or mistyped fields read as empty, since
// the CLIs show whatever a (possibly older or newer) server sends.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::cli {

// A string member as is; a number or boolean as its JSON text; anything else "".
std::string field_text(const boost::json::object& object, std::string_view key);
// Follows a dotted path ("command.result.message") through nested objects.
std::string path_text(const boost::json::object& object, std::string_view dotted_path);
// An integer member (also one sent as a string of digits); 0 when absent.
std::int64_t field_integer(const boost::json::object& object, std::string_view key);
// The object member, or an empty object.
const boost::json::object& field_object(const boost::json::object& object, std::string_view key);
// A string array member joined with `separator`.
std::string field_list(const boost::json::object& object, std::string_view key, std::string_view separator = ",");

}  // namespace herald::cli
