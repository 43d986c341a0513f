#include "store/postgres/agent_rows.h"

#include "store/group_list.h"

namespace herald::store::postgres {

AgentRecord read_agent(const Rows& rows, int row) {
  AgentRecord agent;
  agent.id = rows.text(row, 0);
  agent.name = rows.text(row, 1);
  agent.key_hash = rows.text(row, 2);
  agent.type = rows.text(row, 3);
  agent.version = rows.text(row, 4);
  agent.host_json = rows.text(row, 5);
  agent.ip = rows.text(row, 6);
  agent.os_name = rows.text(row, 7);
  agent.os_version = rows.text(row, 8);
  agent.os_platform = rows.text(row, 9);
  agent.os_arch = rows.text(row, 10);
  agent.groups = split_group_list(rows.text(row, 11));
  agent.connection_status = rows.text(row, 12);
  agent.status_code = static_cast<int>(rows.integer(row, 13));
  agent.date_add = rows.integer(row, 14);
  agent.last_keepalive = rows.optional_integer(row, 15);
  agent.disconnection_time = rows.integer(row, 16);
  agent.node_name = rows.text(row, 17);
  agent.group_config_status = rows.text(row, 18);
  agent.status_reason = rows.text(row, 19);
  agent.reported_groups = split_group_list(rows.text(row, 20));
  agent.config_sum = rows.text(row, 21);
  agent.merged_sum = rows.text(row, 22);
  agent.os_uname = rows.text(row, 23);
  agent.labels_json = rows.text(row, 24);
  return agent;
}

std::vector<AgentRecord> read_agents(const Rows& rows) {
  std::vector<AgentRecord> agents;
  agents.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) agents.push_back(read_agent(rows, row));
  return agents;
}

}  // namespace herald::store::postgres
