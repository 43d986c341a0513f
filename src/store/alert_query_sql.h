#pragma once
// Compiles an AlertQuery into SQL shared by both backends (as agent_query_sql.h): a WHERE clause
// over the `alert` table with bound parameters and an ORDER BY every index of the table serves.
#include <functional>
#include <string>
#include <vector>

#include "store/agent_query_sql.h"
#include "store/alert_store.h"

namespace herald::store {

struct AlertQuerySql {
  std::string where;       // "1=1" when there is no filter; for the count
  std::string page_where;  // the same filter, spelled for the page's SELECT (see the .cpp)
  std::string order_by;  // without ORDER BY; ends with id for a stable order
  std::vector<SqlParam> params;
};

// `placeholder(n)` spells the n-th parameter (1-based); `like` is the case-insensitive LIKE
// operator of the backend ("LIKE" on SQLite, "ILIKE" on PostgreSQL).
AlertQuerySql compile_alert_query(const AlertQuery& query, const std::function<std::string(std::size_t)>& placeholder,
                                  const std::string& like);

// The SELECT list for a StoredAlert, in the order the backends read it.
extern const char* const kAlertColumns;

// Escapes %, _ and \ for a LIKE pattern with ESCAPE '\'.
std::string like_escaped(const std::string& text);

}  // namespace herald::store
