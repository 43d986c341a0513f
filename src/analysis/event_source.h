#pragma once
// Turns what Herald receives into Events, ready for predecode(): queue, location (in the form
// analysisd reads, "[<id>] (<name>) <ip>-><path>" for agents), full_log and the agent fields.
//
// Sources:
//   - analysisd's own queue text "<queue>:<location>:<message>", where ':' and '|' inside the
//     location are escaped with '|' (what a 4.x manager's remoted writes, and what logtest builds);
//   - a 4.x agent's event message as Herald's legacy listener decrypts it (legacy-4x-protocol
//     section 5), given the agent's client.keys identity;
//   - the JSON line Herald's legacy session hands to the event sink and the bus today:
//     {"agent_id","agent_name","queue","location","message"} with the location already relabelled;
//   - a new agent's stateless message: the body's metadata line, then one header line and one data
//     line per message (wire-protocol c5), the log in data.event.original;
//   - a wazuh-logtest request {"event", "log_format", "location"} (or the socket form that wraps
//     them in "parameters").
//
// Every function resets `event` first; on error the event is left reset or partly filled and
// must not be used. A message is kept up to its first NUL byte, as analysisd (C strings) sees it.
// Pure: no I/O, no clock. Errors are invalid_argument with a sentence naming what is wrong.
#include <string>
#include <string_view>

#include "analysis/event.h"
#include "core/result.h"

namespace herald::analysis {

// Who sent an event: a 4.x agent's client.keys entry, or a new agent's metadata.
struct AgentIdentity {
  std::string id;
  std::string name;
  std::string ip;  // "any" when the key allows any address
};

// Wazuh's cap on a location once unescaped (OS_SIZE_8192 + OS_SIZE_256 + 2): longer ones are cut.
inline constexpr std::size_t kMaxLocationLength = 8450;

// "<queue>:<location>:<message>": the location ends at the first ':' not escaped by '|'; it is
// then unescaped ("|x" becomes "x", a trailing '|' stays).
core::Status parse_queue_message(std::string_view text, Event& event);

// A 4.x agent's "<queue>:<location>:<message>" (location escaped by the agent), as remoted
// relabels it: location "[<id>] (<name>) <ip>-><location>". Error not_found for a location
// starting "keepalive", which remoted drops without a word.
core::Status parse_legacy_agent_message(const AgentIdentity& agent, std::string_view text, Event& event);

// {"agent_id":"001","agent_name":"web1","queue":"1","location":"[001] (web1) any->/var/log/x",
//  "message":"..."}; the location is unescaped like a queue text's.
core::Status parse_legacy_event_line(std::string_view line, Event& event);

// The agent of a stateless body's first line {"agent":{"id","name","host":{"ip":[...]}}}: id
// and name required, ip the first of host.ip or "any".
core::Result<AgentIdentity> parse_stateless_agent(std::string_view metadata_line);

// One stateless message: header {"module":..,"collector":..} and data {"event":{"original":..},
// "log":{"file":{"path":..}}}. The log is event.original (a string, required); the location
// "[<id>] (<name>) <ip>-><path>" with path log.file.path, else the collector, else the module.
// Queue '1', as for 4.x log files.
core::Status parse_stateless_event(const AgentIdentity& agent, std::string_view header_line, std::string_view data_line,
                                   Event& event);

// A logtest request: "location" and "log_format" non-empty strings, "event" a non-empty string or
// a non-empty object (then its compact JSON text is the log). Queue '1', as Wazuh builds it; the
// location is taken as given (a manager-local one unless it starts with '[').
core::Status parse_logtest_request(std::string_view request_json, Event& event);

}  // namespace herald::analysis
