#include "store/sqlite/agent_rows.h"

#include "store/group_list.h"

namespace herald::store::sqlite {

AgentRecord read_agent(const Statement& row) {
  AgentRecord agent;
  agent.id = row.column_text(0);
  agent.name = row.column_text(1);
  agent.key_hash = row.column_text(2);
  agent.type = row.column_text(3);
  agent.version = row.column_text(4);
  agent.host_json = row.column_text(5);
  agent.ip = row.column_text(6);
  agent.os_name = row.column_text(7);
  agent.os_version = row.column_text(8);
  agent.os_platform = row.column_text(9);
  agent.os_arch = row.column_text(10);
  agent.groups = split_group_list(row.column_text(11));
  agent.connection_status = row.column_text(12);
  agent.status_code = static_cast<int>(row.column_int(13));
  agent.date_add = row.column_int(14);
  agent.last_keepalive = row.column_optional_int(15);
  agent.disconnection_time = row.column_int(16);
  agent.node_name = row.column_text(17);
  agent.group_config_status = row.column_text(18);
  agent.status_reason = row.column_text(19);
  agent.reported_groups = split_group_list(row.column_text(20));
  agent.config_sum = row.column_text(21);
  agent.merged_sum = row.column_text(22);
  agent.os_uname = row.column_text(23);
  agent.labels_json = row.column_text(24);
  return agent;
}

core::Result<std::vector<AgentRecord>> read_agents(Statement& select) {
  std::vector<AgentRecord> agents;
  for (;;) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    agents.push_back(read_agent(select));
  }
  return agents;
}

}  // namespace herald::store::sqlite
