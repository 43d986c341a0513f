#pragma once
// The agent reads both CLIs make: GET /agents with its filters, one agent by id, and the server
// node's name (GET /health).
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "cli/management_client.h"

namespace herald::cli {

// GET /agents filters (agent-status.md §4); empty members are not sent.
struct AgentFilter {
  std::string status;       // comma list: active,pending,disconnected,never_connected
  std::string agents_list;  // comma list of ids
  std::string group;
  std::string q;
  std::string select;  // comma list of fields
  std::string sort;
  std::string name;
  std::string older_than;
};

// Every matching agent (or the first `max_items`), as one merged envelope `data` object.
boost::json::object list_agents(ManagementClient& client, const AgentFilter& filter,
                                std::optional<std::int64_t> max_items = std::nullopt);

// The agent with this id, or nullopt when the server has none.
std::optional<boost::json::object> find_agent(ManagementClient& client, const std::string& id);

// What GET /health says about the server node: its name ("herald" when it does not say) and
// its version (empty when it does not say).
struct ServerHealth {
  std::string node;
  std::string version;
};
ServerHealth server_health(ManagementClient& client);

}  // namespace herald::cli
