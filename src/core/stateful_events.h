#pragma once
// Validation of POST /api/v1/events/stateful bodies (wire-protocol c4), with upstream's exact error
// messages. The body is NDJSON: the agent metadata line, then per message a header line and, unless
// the operation is `delete`, a data line.
//
// Herald parses the whole body at once (upstream parses it chunk by chunk and can reject a valid
// body whose chunk boundary falls badly, wire-protocol f8). Everything is validated before anything
// is returned, so a caller either writes the whole batch or none of it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace herald::core {

// Line 1 of the body: `{"agent":{...}}`.
struct AgentMetadata {
  std::string id;
  std::string name;
  std::string type;
  std::string version;
  std::vector<std::string> groups;
  std::string host_json;  // agent.host, serialized (an object)
  // Convenience copies of agent.host fields, when present and strings.
  std::optional<std::string> hostname;      // host.hostname
  std::optional<std::string> architecture;  // host.architecture
  std::optional<std::string> os_name;       // host.os.name
  std::optional<std::string> os_type;       // host.os.type
  std::optional<std::string> os_version;    // host.os.version
  std::vector<std::string> ips;             // host.ip (an array of strings, or one string)
  std::string raw_json;                     // the whole "agent" object, serialized
};

// One validated message: a header plus its data line (absent for `delete`).
struct StatefulEvent {
  std::optional<std::string> id;  // the document id (`_id` of the bulk operation)
  std::string module;             // fim | inventory | sca | vulnerability | command
  std::optional<std::string> collector;  // required (and validated) for inventory only
  std::string operation;                 // create | update | delete
  std::optional<std::string> data_json;  // the data line as received (a JSON object); none for delete
  std::string index;                     // routing target, e.g. "wazuh-commands"
};

struct StatefulBatch {
  AgentMetadata agent;
  std::vector<StatefulEvent> events;  // in body order
};

// Always answered with HTTP 400 and `{"message":message,"code":code}`.
struct StatefulEventsError {
  int code = 400;
  std::string message;
};

using ParsedStatefulEvents = std::variant<StatefulBatch, StatefulEventsError>;

// Parses and validates a whole request body. Lines are separated by '\n' ("\r\n" is tolerated);
// lines that are empty or only whitespace are skipped. Never throws; the first error found wins.
// Lines nest at most kMaxJsonDepth; metadata beyond core/field_limits.h is a 400 naming the field.
ParsedStatefulEvents parse_stateful_events(std::string_view body);

// The agent metadata of the first line of an events body (stateful or stateless), or nullopt
// when that line is not valid metadata (or breaks a limit). For bookkeeping only: it validates
// nothing else.
std::optional<AgentMetadata> parse_agent_metadata_line(std::string_view body);

// A command result, from data `{"command":{"result":{"code":N,"message":"..."}}}`.
struct CommandResultReport {
  std::int64_t code = 0;
  std::string message;                   // "" when absent
  std::optional<std::string> data_json;  // command.result.data, serialized, when present
  // Why it cannot be stored, naming the field and its limit (core/field_limits.h): message longer
  // than kMaxLongText, data beyond kMaxResultDataBytes or holding a number beyond a double. The
  // comms API answers such a result as a failed item and leaves the order alone.
  std::optional<std::string> problem;
};

// The result carried by a `command` event, or nullopt when the data does not have that shape
// (no data, not an object, `code` missing or not an integer, `message` present but not a string).
std::optional<CommandResultReport> command_result(const StatefulEvent& event);

inline constexpr int kInvalidStatefulBodyCode = 2709;
inline constexpr std::string_view kInvalidStatefulBody =
    "Invalid stateful events request body. It must contain the agent metadata, headers and events "
    "objects separated by newlines";
inline constexpr std::string_view kInvalidModule =
    "Invalid module name. It must be fim, inventory, sca, vulnerability or command";
inline constexpr std::string_view kInvalidCollector =
    "Invalid inventory module collector. It must be hardware, hotfixes, packages, networks, system, "
    "ports or processes";
inline constexpr std::string_view kInvalidOperation = "Invalid operation. It must be create, update or delete";
inline constexpr std::string_view kCommandResultNeedsId = "Invalid command result: the header needs the order id";

}  // namespace herald::core
