// Agents on PostgreSQL: enrollment rows, listings, GET /agents queries, target resolution.
#include <string>

#include "store/agent_query_sql.h"
#include "store/group_list.h"
#include "store/postgres/agent_rows.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

Params params_of(const std::vector<SqlParam>& values) {
  Params params;
  for (const auto& value : values) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      params.add(*number);
    } else {
      params.add(std::get<std::string>(value));
    }
  }
  return params;
}

std::vector<TargetAgent> read_targets(const Rows& rows) {
  std::vector<TargetAgent> targets;
  targets.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row)
    targets.push_back({rows.text(row, 0), split_group_list(rows.text(row, 1))});
  return targets;
}

}  // namespace

core::Status PostgresStore::create_agent(const AgentRecord& agent) {
  return writer_.run([&](Connection& db) -> core::Status {
    Params params(agent.id, agent.name, agent.key_hash, agent.type, agent.version, agent.host_json, agent.ip,
                  agent.os_name, agent.os_version, agent.os_platform, agent.os_arch, agent.connection_status);
    params.add(static_cast<std::int64_t>(agent.status_code)).add(agent.date_add).add(agent.node_name);
    auto inserted = db.query(
        "INSERT INTO agent(id, name, key_hash, type, version, host, ip, os_name, os_version, os_platform, os_arch, "
        "connection_status, status_code, date_add, node_name) "
        "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        params);
    if (!inserted && inserted.error().kind == core::ErrorKind::conflict) {
      return core::conflict("There is an agent with the same ID: " + agent.id);
    }
    return status_of(inserted);
  });
}

core::Result<std::optional<AgentRecord>> PostgresStore::find_agent(const std::string& id) {
  return readers_.run([&](Connection& db) -> core::Result<std::optional<AgentRecord>> {
    auto rows = db.query(std::string("SELECT ") + kAgentColumns + " FROM agent a WHERE a.id = $1", Params(id));
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<AgentRecord>{};
    return std::optional<AgentRecord>(read_agent(*rows, 0));
  });
}

core::Result<Page<AgentRecord>> PostgresStore::list_agents(std::int64_t offset, std::int64_t limit) {
  return readers_.run([&](Connection& db) -> core::Result<Page<AgentRecord>> {
    Page<AgentRecord> page;
    auto count = db.query("SELECT count(*) FROM agent");
    if (!count) return count.error();
    page.total = count->integer(0, 0);
    auto rows =
        db.query(std::string("SELECT ") + kAgentColumns + " FROM agent a ORDER BY a.date_add, a.id LIMIT $1 OFFSET $2",
                 Params(limit, offset));
    if (!rows) return rows.error();
    page.items = read_agents(*rows);
    return page;
  });
}

core::Result<std::vector<TargetAgent>> PostgresStore::resolve_agents(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<TargetAgent>{};
  const auto wanted = text_array(ids);
  return readers_.run([&](Connection& db) -> core::Result<std::vector<TargetAgent>> {
    // One round trip for any number of ids; WITH ORDINALITY keeps the order asked for.
    auto rows = db.query(
        "SELECT a.id, a.\"group\" FROM unnest($1::text[]) WITH ORDINALITY AS wanted(id, position) "
        "JOIN agent a ON a.id = wanted.id ORDER BY wanted.position",
        Params(wanted));
    if (!rows) return rows.error();
    return read_targets(*rows);
  });
}

core::Result<std::vector<TargetAgent>> PostgresStore::group_members(const std::string& group) {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<TargetAgent>> {
    auto rows = db.query(
        "SELECT a.id, a.\"group\" FROM \"group\" g JOIN belongs b ON b.id_group = g.id JOIN agent a ON a.id = "
        "b.id_agent "
        "WHERE g.name = $1 ORDER BY a.id",
        Params(group));
    if (!rows) return rows.error();
    return read_targets(*rows);
  });
}

core::Result<Page<AgentRecord>> PostgresStore::query_agents(const AgentQuery& query) {
  auto sql = compile_agent_query(query, [](std::size_t n) { return "$" + std::to_string(n); });
  const auto params = params_of(sql.params);
  auto page_params = params;
  page_params.add(query.limit).add(query.offset);
  const auto limit_index = sql.params.size() + 1;
  const std::string select = std::string("SELECT ") + kAgentColumns + " FROM agent a WHERE " + sql.where +
                             " ORDER BY " + sql.order_by + " LIMIT $" + std::to_string(limit_index) + " OFFSET $" +
                             std::to_string(limit_index + 1);
  return readers_.run([&](Connection& db) -> core::Result<Page<AgentRecord>> {
    Page<AgentRecord> page;
    auto count = db.query("SELECT count(*) FROM agent a WHERE " + sql.where, params);
    if (!count) return count.error();
    page.total = count->integer(0, 0);
    auto rows = db.query(select, page_params);
    if (!rows) return rows.error();
    page.items = read_agents(*rows);
    return page;
  });
}

core::Result<AgentStatusSummary> PostgresStore::agent_status_summary() {
  return readers_.run([&](Connection& db) -> core::Result<AgentStatusSummary> {
    auto rows = db.query(
        "SELECT connection_status, group_config_status, count(*) FROM agent "
        "GROUP BY connection_status, group_config_status");
    if (!rows) return rows.error();
    AgentStatusSummary summary;
    for (int row = 0; row < rows->size(); ++row) {
      const auto status = rows->text(row, 0);
      const auto count = rows->integer(row, 2);
      if (status == "active") summary.active += count;
      if (status == "pending") summary.pending += count;
      if (status == "disconnected") summary.disconnected += count;
      if (status == "never_connected") summary.never_connected += count;
      (rows->text(row, 1) == "synced" ? summary.synced : summary.not_synced) += count;
    }
    return summary;
  });
}

}  // namespace herald::store::postgres
