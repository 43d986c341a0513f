#include "cli/agent_queries.h"

#include <boost/json.hpp>

#include "cli/json_fields.h"
#include "cli/paged_list.h"

namespace herald::cli {

namespace json = boost::json;

json::object list_agents(ManagementClient& client, const AgentFilter& filter, std::optional<std::int64_t> max_items) {
  QueryParams params{{"status", filter.status}, {"agents_list", filter.agents_list}, {"group", filter.group},
                     {"q", filter.q},           {"select", filter.select},           {"sort", filter.sort},
                     {"name", filter.name},     {"older_than", filter.older_than}};
  return fetch_all_pages(client, "/agents", std::move(params), max_items);
}

std::optional<json::object> find_agent(ManagementClient& client, const std::string& id) {
  AgentFilter filter;
  filter.agents_list = id;
  auto data = list_agents(client, filter);
  // Match the id here too: the list is what the server returned, not necessarily only that agent.
  for (const auto& item : data.at("affected_items").as_array()) {
    if (!item.is_object()) continue;
    const auto* agent_id = item.get_object().if_contains("id");
    if (agent_id && agent_id->is_string() && agent_id->get_string() == id) return item.get_object();
  }
  return std::nullopt;
}

ServerHealth server_health(ManagementClient& client) {
  auto reply = client.get_public("/health");
  ServerHealth health;
  if (reply.is_object()) {
    health.node = field_text(reply.get_object(), "node");
    health.version = field_text(reply.get_object(), "version");
  }
  if (health.node.empty()) health.node = "herald";
  return health;
}

}  // namespace herald::cli
