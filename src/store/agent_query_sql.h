#pragma once
// Compiles an AgentQuery into SQL shared by both backends: a WHERE clause over the `agent` table
// (aliased `a`) with bound parameters, and an ORDER BY. Values are never spliced into the text.
// The backends differ only in how a placeholder is spelled (`?` or `$n`).
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "store/agent_query.h"

namespace herald::store {

using SqlParam = std::variant<std::int64_t, std::string>;

struct AgentQuerySql {
  std::string where;     // "1=1" when there is no filter; never empty
  std::string order_by;  // without the ORDER BY keyword, ends with a.id for a stable order
  std::vector<SqlParam> params;
};

// `placeholder(n)` spells the n-th parameter (1-based).
AgentQuerySql compile_agent_query(const AgentQuery& query, const std::function<std::string(std::size_t)>& placeholder);

// The SELECT list for an AgentRecord, in the order store backends read it (alias `a`).
extern const char* const kAgentColumns;

}  // namespace herald::store
