#pragma once
// agent_control's outputs, exactly in the shapes of upstream's (agent-status.md §3): pure
// functions from the Management API's agent JSON to text, CSV or one line of JSON.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace herald::cli::agent_control {

enum class OutputFormat { text, csv, json };

// "Active", "Pending", "Disconnected", "Never connected"; "Unknown" for anything else.
std::string status_word(const boost::json::object& agent);
// The agent's current IP (`ip`, else `registerIP`), else "any" as client.keys would say.
std::string agent_ip(const boost::json::object& agent);

// The server node as agent 000: its name (GET /health) and what is known of it.
struct ServerNode {
  std::string name;
  std::int64_t now_epoch = 0;  // the server is alive now: its "last keep alive"
  std::string version;         // empty: unknown
};

// -l / -lc / -ln. `server` is the 000 line, left out (nullopt) for -ln. Text and CSV end as
// upstream's do (with the agentless section and a final empty line); JSON is one line:
// {"error":0,"data":[{"id","name","ip","status"},...]}.
std::string format_agent_list(OutputFormat format, const std::optional<ServerNode>& server,
                              const boost::json::array& agents);

// -i <id> for an agent, and for 000 (the server node).
std::string format_agent_info(OutputFormat format, const boost::json::object& agent);
std::string format_server_info(OutputFormat format, const ServerNode& server);

// An error: JSON {"error":code,"message":json_message} on one line, else "\n** text_message\n".
std::string format_error(OutputFormat format, int code, const std::string& json_message,
                         const std::string& text_message);

std::string help_text();
std::string version_text();

}  // namespace herald::cli::agent_control
