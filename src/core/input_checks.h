#pragma once
// Checks of client input against core/field_limits.h, shared by every route that stores what a
// client sends. Each check returns the first bound broken, as a LimitViolation the route turns
// into its own error format (indexer error JSON, problem JSON, comms {"message","code"}).
#include <boost/json/fwd.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::core {

struct LimitViolation {
  std::string field;   // where: "type", "host.os.name", "command.action.args.n", "agent.host.ip[1]"
  std::string limit;   // the bound: "at most 256 bytes long", "at most 256 items", ...
  std::string actual;  // what was sent: "102400 bytes", "300 items", ...
  // "<field> must be <limit>, got <actual>".
  std::string message() const;
};

// The options every JSON text from a client, or read back from the store, is parsed with
// (max_depth = kMaxJsonDepth).
boost::json::parse_options client_json_options();
// A parse error in words; "too deep" names the depth limit.
std::string json_parse_problem(const boost::system::error_code& ec);

std::optional<LimitViolation> check_length(std::string_view field, std::string_view value, std::size_t limit);
std::optional<LimitViolation> check_count(std::string_view field, std::size_t count, std::size_t limit);
// The serialized size of a JSON value ("at most N bytes as JSON").
std::optional<LimitViolation> check_json_size(std::string_view field, std::size_t bytes, std::size_t limit);

// Walks `value` (at `path`) and reports the first string longer than `max_string`, object key
// longer than `max_key` (reported at the object holding it), or number beyond the range of a
// double. Boost.JSON turns such a number (1e999) into an infinity, which it serializes as
// `Infinity`: not JSON, so whatever held it was later read back as {}. A double cannot keep it
// exactly, so it is refused rather than stored rounded to something it is not; every finite
// number is kept as the nearest double (or exactly, as a 64-bit integer), as JSON parsers do.
std::optional<LimitViolation> check_json_values(const boost::json::value& value, const std::string& path,
                                                std::size_t max_string, std::size_t max_key);

// An agent's `host` object (enrollment body, or `agent.host` of the event metadata) at `path`:
// hostname, architecture, os.{name,type,version,platform} and each ip at most kMaxShortText, at
// most kMaxAgentIps ips, any other string at most kMaxLongText, no number beyond a double, and
// at most kMaxHostJsonBytes in all.
std::optional<LimitViolation> check_agent_host(const boost::json::object& host, const std::string& path);

// A command result as it would be stored on its order (`command.result`): message at most
// kMaxLongText, data (when present) at most kMaxResultDataBytes as JSON and with no number beyond a
// double. Both the agents' results and the server modules' results go through this.
std::optional<LimitViolation> check_command_result(std::string_view message, const boost::json::value* data);

}  // namespace herald::core
