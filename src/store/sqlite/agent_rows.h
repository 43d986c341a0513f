#pragma once
// Reading agent rows selected with store::kAgentColumns (store/agent_query_sql.h).
#include <vector>

#include "store/records.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

AgentRecord read_agent(const Statement& row);
// Steps `select` to the end, one AgentRecord per row.
core::Result<std::vector<AgentRecord>> read_agents(Statement& select);

}  // namespace herald::store::sqlite
