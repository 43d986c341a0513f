#include "store/sqlite/memberships.h"

namespace herald::store::sqlite {

core::Result<std::optional<std::int64_t>> group_id(Database& db, const std::string& name) {
  auto select = db.prepare("SELECT id FROM \"group\" WHERE name = ?1");
  if (!select) return select.error();
  select->bind(1, name);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(select->column_int(0));
}

core::Status refresh_agent_groups(Database& db, const std::string& agent_id) {
  auto update = db.prepare(
      "UPDATE agent SET \"group\" = coalesce((SELECT group_concat(name, ',') FROM (SELECT g.name AS name FROM belongs b "
      "JOIN \"group\" g ON g.id = b.id_group WHERE b.id_agent = ?1 ORDER BY b.priority)), '') WHERE id = ?1");
  if (!update) return update.error();
  if (auto s = update->bind(1, agent_id).run(); !s) return s;
  // The agent's configuration is in sync when the groups it reports are the ones assigned.
  auto sync = db.prepare(
      "UPDATE agent SET group_config_status = CASE WHEN \"group\" = reported_groups AND connection_status <> "
      "'never_connected' THEN 'synced' ELSE 'not synced' END WHERE id = ?1");
  if (!sync) return sync.error();
  return sync->bind(1, agent_id).run();
}

}  // namespace herald::store::sqlite
