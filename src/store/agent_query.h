#pragma once
// GET /agents as a value: filters, sort and paging. Backends compile it with
// store/agent_query_sql.h so that both speak the same query language.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/agent_filter.h"

namespace herald::store {

struct AgentQuery {
  std::vector<std::string> ids;       // agents_list; empty: all
  std::vector<std::string> statuses;  // connection_status in; empty: all
  // Agents whose last keep-alive (date_add when never connected) is before this (older_than).
  std::optional<std::int64_t> older_than_cutoff;
  // Named filters (name=, group=, os.platform=, ...) and the parsed `q`, all ANDed.
  std::vector<core::FilterCondition> conditions;
  std::optional<core::FilterExpression> q;
  std::optional<std::string> search;  // substring of id, name, ip or version
  bool search_negated = false;        // `search=-text`
  std::vector<core::SortKey> sort;    // default: date_add, id
  std::int64_t offset = 0;
  std::int64_t limit = 500;
};

}  // namespace herald::store
