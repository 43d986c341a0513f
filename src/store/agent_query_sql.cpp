#include "store/agent_query_sql.h"

#include <cctype>

namespace herald::store {

const char* const kAgentColumns =
    "a.id, a.name, a.key_hash, a.type, a.version, a.host, a.ip, a.os_name, a.os_version, a.os_platform, a.os_arch, "
    "a.\"group\", a.connection_status, a.status_code, a.date_add, a.last_keepalive, a.disconnection_time, "
    "a.node_name, a.group_config_status, a.status_reason, a.reported_groups, a.config_sum, a.merged_sum, a.os_uname, "
    "a.labels";

namespace {

using core::AgentField;
using core::FilterOp;

const char* column_of(AgentField field) {
  switch (field) {
    case AgentField::id: return "a.id";
    case AgentField::name: return "a.name";
    case AgentField::status: return "a.connection_status";
    case AgentField::status_code: return "a.status_code";
    case AgentField::ip:
    case AgentField::register_ip: return "a.ip";
    case AgentField::os_name: return "a.os_name";
    case AgentField::os_platform: return "a.os_platform";
    case AgentField::os_version: return "a.os_version";
    case AgentField::os_arch: return "a.os_arch";
    case AgentField::version: return "a.version";
    case AgentField::node_name: return "a.node_name";
    case AgentField::date_add: return "a.date_add";
    case AgentField::last_keepalive: return "a.last_keepalive";
    case AgentField::disconnection_time: return "a.disconnection_time";
    case AgentField::group: return "a.\"group\"";
    case AgentField::group_config_status: return "a.group_config_status";
  }
  return "a.id";
}

// LIKE pattern matching `text` anywhere, with LIKE's own wildcards escaped.
std::string contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return pattern + "%";
}

class Compiler {
 public:
  explicit Compiler(const std::function<std::string(std::size_t)>& placeholder) : placeholder_(placeholder) {}

  std::string bind(SqlParam value) {
    params_.push_back(std::move(value));
    return placeholder_(params_.size());
  }

  std::string comparison(const std::string& column, FilterOp op, SqlParam value) {
    switch (op) {
      case FilterOp::equal: return column + " = " + bind(std::move(value));
      case FilterOp::not_equal:
        return "(" + column + " IS NULL OR " + column + " <> " + bind(std::move(value)) + ")";
      case FilterOp::less: return column + " < " + bind(std::move(value));
      case FilterOp::greater: return column + " > " + bind(std::move(value));
      case FilterOp::contains: {
        auto text = std::holds_alternative<std::string>(value) ? std::get<std::string>(value)
                                                               : std::to_string(std::get<std::int64_t>(value));
        return "lower(CAST(" + column + " AS TEXT)) LIKE " + bind(contains_pattern(text)) + " ESCAPE '\\'";
      }
    }
    return "1=0";
  }

  std::string condition(const core::FilterCondition& condition) {
    if (condition.field == AgentField::group) {
      // Membership, not the CSV column: `group!=x` means "not a member of x".
      auto op = condition.op == FilterOp::not_equal ? FilterOp::equal : condition.op;
      auto inner = comparison("g.name", op, condition.text);
      return std::string(condition.op == FilterOp::not_equal ? "a.id NOT IN" : "a.id IN") +
             " (SELECT b.id_agent FROM belongs b JOIN \"group\" g ON g.id = b.id_group WHERE " + inner + ")";
    }
    bool numeric = core::is_numeric_agent_field(condition.field) || core::is_time_agent_field(condition.field);
    if (numeric && condition.op != FilterOp::contains) {
      return comparison(column_of(condition.field), condition.op, condition.number);
    }
    return comparison(column_of(condition.field), condition.op, condition.text);
  }

  std::string expression(const core::FilterExpression& expression) {
    std::string joined;
    const char* connective = expression.join == core::FilterExpression::Join::all ? " AND " : " OR ";
    for (const auto& node : expression.nodes) {
      if (!joined.empty()) joined += connective;
      if (const auto* leaf = std::get_if<core::FilterCondition>(&node)) {
        joined += condition(*leaf);
      } else {
        joined += this->expression(*std::get<std::shared_ptr<core::FilterExpression>>(node));
      }
    }
    return "(" + (joined.empty() ? std::string("1=1") : joined) + ")";
  }

  std::string in_list(const std::string& column, const std::vector<std::string>& values) {
    std::string list;
    for (const auto& value : values) list += (list.empty() ? "" : ", ") + bind(value);
    return column + " IN (" + list + ")";
  }

  std::vector<SqlParam> take_params() { return std::move(params_); }

 private:
  const std::function<std::string(std::size_t)>& placeholder_;
  std::vector<SqlParam> params_;
};

}  // namespace

AgentQuerySql compile_agent_query(const AgentQuery& query, const std::function<std::string(std::size_t)>& placeholder) {
  Compiler compiler(placeholder);
  std::vector<std::string> clauses;
  if (!query.ids.empty()) clauses.push_back(compiler.in_list("a.id", query.ids));
  if (!query.statuses.empty()) clauses.push_back(compiler.in_list("a.connection_status", query.statuses));
  if (query.older_than_cutoff) {
    clauses.push_back("coalesce(a.last_keepalive, a.date_add) < " + compiler.bind(*query.older_than_cutoff));
  }
  for (const auto& condition : query.conditions) clauses.push_back(compiler.condition(condition));
  if (query.q) clauses.push_back(compiler.expression(*query.q));
  if (query.search) {
    std::string any;
    for (const char* column : {"a.id", "a.name", "a.ip", "a.version"}) {
      any += (any.empty() ? "" : " OR ") + std::string("lower(") + column + ") LIKE " +
             compiler.bind(contains_pattern(*query.search)) + " ESCAPE '\\'";
    }
    clauses.push_back((query.search_negated ? "NOT (" : "(") + any + ")");
  }

  AgentQuerySql sql;
  for (const auto& clause : clauses) sql.where += (sql.where.empty() ? "" : " AND ") + clause;
  if (sql.where.empty()) sql.where = "1=1";
  for (const auto& key : query.sort) {
    // Never-seen agents sort as the oldest on both backends (their NULL orders differently).
    std::string column = key.field == AgentField::last_keepalive ? "coalesce(a.last_keepalive, 0)" : column_of(key.field);
    sql.order_by += column + (key.descending ? " DESC, " : " ASC, ");
  }
  if (query.sort.empty()) sql.order_by = "a.date_add ASC, ";
  sql.order_by += "a.id ASC";
  sql.params = compiler.take_params();
  return sql;
}

}  // namespace herald::store
