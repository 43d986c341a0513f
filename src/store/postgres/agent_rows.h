#pragma once
// Reading agent rows selected with store::kAgentColumns (store/agent_query_sql.h).
#include <vector>

#include "store/postgres/connection.h"
#include "store/records.h"

namespace herald::store::postgres {

AgentRecord read_agent(const Rows& rows, int row);
std::vector<AgentRecord> read_agents(const Rows& rows);

}  // namespace herald::store::postgres
