// Agent queries and liveness (keep-alives, status changes, reported metadata) on SQLite.
#include <algorithm>

#include "store/agent_query_sql.h"
#include "store/group_list.h"
#include "store/sqlite/agent_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

namespace {

void bind_params(Statement& statement, const std::vector<SqlParam>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
      statement.bind(index, *number);
    } else {
      statement.bind(index, std::get<std::string>(params[i]));
    }
  }
}

bool status_allowed(const StatusChange& change, const std::string& stored) {
  return change.only_from.empty() ||
         std::find(change.only_from.begin(), change.only_from.end(), stored) != change.only_from.end();
}

}  // namespace

core::Result<Page<AgentRecord>> SqliteStore::query_agents(const AgentQuery& query) {
  auto sql = compile_agent_query(query, [](std::size_t n) { return "?" + std::to_string(n); });
  auto lease = read();
  if (!lease) return lease.error();
  Page<AgentRecord> page;
  auto count = (**lease)->prepare_once("SELECT count(*) FROM agent a WHERE " + sql.where);
  if (!count) return count.error();
  bind_params(*count, sql.params);
  if (auto row = count->step(); !row) return row.error();
  page.total = count->column_int(0);
  auto limit_index = sql.params.size() + 1;
  auto select = (**lease)->prepare_once(std::string("SELECT ") + kAgentColumns + " FROM agent a WHERE " + sql.where +
                                        " ORDER BY " + sql.order_by + " LIMIT ?" + std::to_string(limit_index) +
                                        " OFFSET ?" + std::to_string(limit_index + 1));
  if (!select) return select.error();
  bind_params(*select, sql.params);
  select->bind(static_cast<int>(limit_index), query.limit).bind(static_cast<int>(limit_index + 1), query.offset);
  auto agents = read_agents(*select);
  if (!agents) return agents.error();
  page.items = std::move(agents).value();
  return page;
}

core::Result<AgentStatusSummary> SqliteStore::agent_status_summary() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(
      "SELECT connection_status, group_config_status, count(*) FROM agent GROUP BY connection_status, "
      "group_config_status");
  if (!select) return select.error();
  AgentStatusSummary summary;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    auto status = select->column_text(0);
    auto count = select->column_int(2);
    if (status == "active") summary.active += count;
    if (status == "pending") summary.pending += count;
    if (status == "disconnected") summary.disconnected += count;
    if (status == "never_connected") summary.never_connected += count;
    (select->column_text(1) == "synced" ? summary.synced : summary.not_synced) += count;
  }
  return summary;
}

core::Status SqliteStore::record_keepalives(const std::vector<KeepaliveRecord>& keepalives) {
  if (keepalives.empty()) return core::ok_status();
  return writer_.run([&](Database& db) -> core::Status {
    auto update = db.prepare(
        "UPDATE agent SET last_keepalive = max(coalesce(last_keepalive, 0), ?2), node_name = ?3 WHERE id = ?1");
    if (!update) return update.error();
    for (const auto& keepalive : keepalives) {
      if (auto s = update->bind(1, keepalive.agent_id).bind(2, keepalive.last_keepalive).bind(3, keepalive.node_name).run();
          !s) {
        return s;
      }
      update->reset();
    }
    return core::ok_status();
  });
}

core::Result<std::vector<StatusChangeOutcome>> SqliteStore::apply_status_changes(
    const std::vector<StatusChange>& changes) {
  std::vector<StatusChangeOutcome> outcomes(changes.size());
  if (changes.empty()) return outcomes;
  auto status = writer_.run([&](Database& db) -> core::Status {
    std::fill(outcomes.begin(), outcomes.end(), StatusChangeOutcome{});  // a retried job starts over
    auto select = db.prepare("SELECT connection_status, last_keepalive FROM agent WHERE id = ?1");
    if (!select) return select.error();
    auto update = db.prepare(
        "UPDATE agent SET connection_status = ?2, status_code = ?3, status_reason = ?4, "
        "last_keepalive = CASE WHEN ?2 = 'active' THEN max(coalesce(last_keepalive, 0), ?5) ELSE last_keepalive END, "
        "disconnection_time = CASE WHEN ?2 = 'disconnected' THEN ?5 WHEN ?2 = 'active' THEN 0 "
        "ELSE disconnection_time END, "
        "node_name = CASE WHEN ?6 = '' THEN node_name ELSE ?6 END WHERE id = ?1");
    if (!update) return update.error();
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& change = changes[i];
      select->bind(1, change.agent_id);
      auto row = select->step();
      if (!row) return row.error();
      if (!*row) {
        select->reset();
        continue;
      }
      auto stored_status = select->column_text(0);
      auto stored_keepalive = select->column_optional_int(1);
      select->reset();
      outcomes[i].previous_status = stored_status;
      if (change.silent_before && stored_keepalive && *stored_keepalive >= *change.silent_before) {
        outcomes[i].seen_since = true;
        continue;
      }
      if (!status_allowed(change, stored_status)) continue;
      if (auto s = update->bind(1, change.agent_id)
                       .bind(2, change.status)
                       .bind(3, static_cast<std::int64_t>(change.status_code))
                       .bind(4, change.reason)
                       .bind(5, change.at)
                       .bind(6, change.node_name)
                       .run();
          !s) {
        return s;
      }
      update->reset();
      outcomes[i].applied = true;
    }
    return core::ok_status();
  });
  if (!status) return status.error();
  return outcomes;
}

core::Result<std::vector<AgentLiveness>> SqliteStore::connected_agents() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(
      "SELECT id, connection_status, status_code, last_keepalive, node_name FROM agent "
      "WHERE connection_status IN ('active', 'pending')");
  if (!select) return select.error();
  std::vector<AgentLiveness> agents;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    agents.push_back({select->column_text(0), select->column_text(1), static_cast<int>(select->column_int(2)),
                      select->column_optional_int(3), select->column_text(4)});
  }
  return agents;
}

core::Status SqliteStore::update_agent_metadata(const AgentMetadata& metadata) {
  return writer_.run([&](Database& db) -> core::Status {
    auto update = db.prepare(
        "UPDATE agent SET version = coalesce(nullif(?2, ''), version), ip = coalesce(nullif(?3, ''), ip), "
        "os_name = coalesce(nullif(?4, ''), os_name), os_version = coalesce(nullif(?5, ''), os_version), "
        "os_platform = coalesce(nullif(?6, ''), os_platform), os_arch = coalesce(nullif(?7, ''), os_arch), "
        "reported_groups = coalesce(?8, reported_groups), config_sum = coalesce(?9, config_sum), "
        "merged_sum = coalesce(?10, merged_sum), os_uname = coalesce(?11, os_uname), labels = coalesce(?12, labels), "
        "group_config_status = CASE WHEN ?8 IS NULL THEN group_config_status "
        "WHEN ?8 = \"group\" THEN 'synced' ELSE 'not synced' END WHERE id = ?1");
    if (!update) return update.error();
    std::optional<std::string> groups;
    if (metadata.groups) groups = join_group_list(*metadata.groups);
    auto status = update->bind(1, metadata.agent_id)
                      .bind(2, metadata.version)
                      .bind(3, metadata.ip)
                      .bind(4, metadata.os_name)
                      .bind(5, metadata.os_version)
                      .bind(6, metadata.os_platform)
                      .bind(7, metadata.os_arch)
                      .bind(8, groups)
                      .bind(9, metadata.config_sum)
                      .bind(10, metadata.merged_sum)
                      .bind(11, metadata.os_uname)
                      .bind(12, metadata.labels_json)
                      .run();
    if (!status) return status;
    if (db.changes() == 0) return core::not_found("There is no agent with ID " + metadata.agent_id);
    return core::ok_status();
  });
}

}  // namespace herald::store::sqlite
