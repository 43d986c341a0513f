// Liveness on PostgreSQL: write-behind keep-alives, status changes, reported metadata. Several
// nodes write these for the same agents, so a batch first locks its agents in id order: its
// checks hold until it commits, and two nodes never wait on each other in a cycle.
#include <algorithm>
#include <map>
#include <string>

#include "store/group_list.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

core::Status lock_agents(Connection& db, const std::vector<std::string>& ids) {
  return status_of(
      db.query("SELECT 1 FROM agent WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE", Params(text_array(ids))));
}

bool status_allowed(const StatusChange& change, const std::string& stored) {
  return change.only_from.empty() ||
         std::find(change.only_from.begin(), change.only_from.end(), stored) != change.only_from.end();
}

}  // namespace

core::Status PostgresStore::record_keepalives(const std::vector<KeepaliveRecord>& keepalives) {
  if (keepalives.empty()) return core::ok_status();
  // One row per agent, as applying them one by one would leave it: the newest time, the node of
  // the last record.
  std::map<std::string, std::pair<std::int64_t, std::string>> latest;
  for (const auto& keepalive : keepalives) {
    auto [entry, inserted] = latest.try_emplace(keepalive.agent_id, keepalive.last_keepalive, keepalive.node_name);
    if (!inserted) {
      entry->second.first = std::max(entry->second.first, keepalive.last_keepalive);
      entry->second.second = keepalive.node_name;
    }
  }
  std::vector<std::string> ids, nodes;
  std::vector<std::int64_t> times;
  for (const auto& [id, seen] : latest) {
    ids.push_back(id);
    times.push_back(seen.first);
    nodes.push_back(seen.second);
  }
  const Params params(text_array(ids), int_array(times), text_array(nodes));
  return writer_.run([&](Connection& db) -> core::Status {
    if (auto locked = lock_agents(db, ids); !locked) return locked;
    return status_of(db.query(
        "UPDATE agent a SET last_keepalive = greatest(coalesce(a.last_keepalive, 0), seen.at), node_name = seen.node "
        "FROM unnest($1::text[], $2::bigint[], $3::text[]) AS seen(id, at, node) WHERE a.id = seen.id",
        params));
  });
}

core::Result<std::vector<StatusChangeOutcome>> PostgresStore::apply_status_changes(
    const std::vector<StatusChange>& changes) {
  std::vector<StatusChangeOutcome> outcomes(changes.size());
  if (changes.empty()) return outcomes;
  std::vector<std::string> ids;
  for (const auto& change : changes) ids.push_back(change.agent_id);
  auto status = writer_.run([&](Connection& db) -> core::Status {
    std::fill(outcomes.begin(), outcomes.end(), StatusChangeOutcome{});  // a retried job starts over
    // The rows stay locked until COMMIT: what is read below is what each change applies to,
    // whatever other nodes do meanwhile.
    if (auto locked = lock_agents(db, ids); !locked) return locked;
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& change = changes[i];
      auto stored =
          db.query("SELECT connection_status, last_keepalive FROM agent WHERE id = $1", Params(change.agent_id));
      if (!stored) return stored.error();
      if (stored->empty()) continue;
      const auto stored_status = stored->text(0, 0);
      const auto stored_keepalive = stored->optional_integer(0, 1);
      outcomes[i].previous_status = stored_status;
      if (change.silent_before && stored_keepalive && *stored_keepalive >= *change.silent_before) {
        outcomes[i].seen_since = true;
        continue;
      }
      if (!status_allowed(change, stored_status)) continue;
      auto updated = db.query(
          "UPDATE agent SET connection_status = $2, status_code = $3, status_reason = $4, "
          "last_keepalive = CASE WHEN $2 = 'active' THEN greatest(coalesce(last_keepalive, 0), $5) "
          "ELSE last_keepalive END, "
          "disconnection_time = CASE WHEN $2 = 'disconnected' THEN $5 WHEN $2 = 'active' THEN 0 "
          "ELSE disconnection_time END, "
          "node_name = CASE WHEN $6 = '' THEN node_name ELSE $6 END WHERE id = $1",
          Params(change.agent_id, change.status, static_cast<std::int64_t>(change.status_code), change.reason,
                 change.at, change.node_name));
      if (!updated) return updated.error();
      outcomes[i].applied = true;
    }
    return core::ok_status();
  });
  if (!status) return status.error();
  return outcomes;
}

core::Result<std::vector<AgentLiveness>> PostgresStore::connected_agents() {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<AgentLiveness>> {
    auto rows = db.query(
        "SELECT id, connection_status, status_code, last_keepalive, node_name FROM agent "
        "WHERE connection_status IN ('active', 'pending') ORDER BY id");
    if (!rows) return rows.error();
    std::vector<AgentLiveness> agents;
    agents.reserve(static_cast<std::size_t>(rows->size()));
    for (int row = 0; row < rows->size(); ++row) {
      agents.push_back({rows->text(row, 0), rows->text(row, 1), static_cast<int>(rows->integer(row, 2)),
                        rows->optional_integer(row, 3), rows->text(row, 4)});
    }
    return agents;
  });
}

core::Status PostgresStore::update_agent_metadata(const AgentMetadata& metadata) {
  std::optional<std::string> groups;
  if (metadata.groups) groups = join_group_list(*metadata.groups);
  Params params(metadata.agent_id, metadata.version, metadata.ip, metadata.os_name, metadata.os_version,
                metadata.os_platform, metadata.os_arch, groups, metadata.config_sum, metadata.merged_sum,
                metadata.os_uname, metadata.labels_json);
  return writer_.run([&](Connection& db) -> core::Status {
    // Empty strings leave the stored value alone; reported groups decide group_config_status.
    auto updated = db.query(
        "UPDATE agent SET version = coalesce(nullif($2::text, ''), version), ip = coalesce(nullif($3::text, ''), ip), "
        "os_name = coalesce(nullif($4::text, ''), os_name), os_version = coalesce(nullif($5::text, ''), os_version), "
        "os_platform = coalesce(nullif($6::text, ''), os_platform), os_arch = coalesce(nullif($7::text, ''), os_arch), "
        "reported_groups = coalesce($8::text, reported_groups), config_sum = coalesce($9::text, config_sum), "
        "merged_sum = coalesce($10::text, merged_sum), os_uname = coalesce($11::text, os_uname), "
        "labels = coalesce($12::text, labels), "
        "group_config_status = CASE WHEN $8::text IS NULL THEN group_config_status "
        "WHEN $8::text = \"group\" THEN 'synced' ELSE 'not synced' END WHERE id = $1",
        params);
    if (!updated) return updated.error();
    if (updated->affected() == 0) return core::not_found("There is no agent with ID " + metadata.agent_id);
    return core::ok_status();
  });
}

}  // namespace herald::store::postgres
