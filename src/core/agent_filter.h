#pragma once
// Agent queries of the Management API (agent-status.md §4): the `q` expression
// (`field<op>value`, `;` AND, `,` OR, parentheses; ops = != < > ~), sort keys and the fields
// they may name. Parsed here into values; store/ turns them into SQL with bound parameters.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace herald::core {

// The agent fields a query may name, by their API names.
enum class AgentField {
  id,
  name,
  status,
  status_code,
  ip,
  register_ip,
  os_name,
  os_platform,
  os_version,
  os_arch,
  version,
  node_name,
  date_add,
  last_keepalive,
  disconnection_time,
  group,
  group_config_status,
};

// "name", "os.platform", "lastKeepAlive", ... -> field; nullopt when unknown.
std::optional<AgentField> parse_agent_field(std::string_view api_name);
std::string_view agent_field_name(AgentField field);
// Integer-valued fields compare numerically; timestamps accept ISO-8601 UTC or epoch seconds.
bool is_numeric_agent_field(AgentField field);
bool is_time_agent_field(AgentField field);

enum class FilterOp { equal, not_equal, less, greater, contains };

struct FilterCondition {
  AgentField field = AgentField::id;
  FilterOp op = FilterOp::equal;
  std::string text;            // the value as written (string fields)
  std::int64_t number = 0;     // numeric and time fields: the value as an integer (epoch seconds)
};

struct FilterExpression;
using FilterNode = std::variant<FilterCondition, std::shared_ptr<FilterExpression>>;
// All of `nodes` joined by one connective. A single node is just that node.
struct FilterExpression {
  enum class Join { all, any } join = Join::all;
  std::vector<FilterNode> nodes;
};

// Parses `q`. Errors name the position and what was expected. Parentheses nest at most
// kMaxFilterNesting deep (the parser recurses on each).
inline constexpr std::size_t kMaxFilterNesting = 32;
Result<FilterExpression> parse_agent_filter(std::string_view q);

struct SortKey {
  AgentField field = AgentField::id;
  bool descending = false;
};
// "+name,-lastKeepAlive" -> keys. Errors name the unknown field.
Result<std::vector<SortKey>> parse_agent_sort(std::string_view sort);

}  // namespace herald::core
