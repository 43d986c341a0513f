#include "store/postgres/memberships.h"

namespace herald::store::postgres {

core::Result<std::optional<std::int64_t>> group_id(Connection& db, const std::string& name) {
  auto rows = db.query("SELECT id FROM \"group\" WHERE name = $1", Params(name));
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>(rows->integer(0, 0));
}

core::Status refresh_agent_groups(Connection& db, const std::vector<std::string>& agent_ids) {
  return status_of(db.query(
      "UPDATE agent a SET \"group\" = refreshed.csv, group_config_status = CASE WHEN refreshed.csv = a.reported_groups "
      "AND a.connection_status <> 'never_connected' THEN 'synced' ELSE 'not synced' END "
      "FROM (SELECT member.id, coalesce((SELECT string_agg(g.name, ',' ORDER BY b.priority, b.id_group) "
      "FROM belongs b JOIN \"group\" g ON g.id = b.id_group WHERE b.id_agent = member.id), '') AS csv "
      "FROM unnest($1::text[]) AS member(id)) AS refreshed WHERE a.id = refreshed.id",
      Params(text_array(agent_ids))));
}

}  // namespace herald::store::postgres
