// Groups and memberships on PostgreSQL.
#include <string>

#include "store/agent_query_sql.h"
#include "store/configuration_sum.h"
#include "store/postgres/agent_rows.h"
#include "store/postgres/memberships.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

core::Status PostgresStore::create_group(const std::string& name) {
  return writer_.run([&](Connection& db) -> core::Status {
    auto inserted = db.query("INSERT INTO \"group\"(name) VALUES($1)", Params(name));
    if (!inserted && inserted.error().kind == core::ErrorKind::conflict) {
      return core::conflict("The group " + name + " already exists");
    }
    return status_of(inserted);
  });
}

core::Result<bool> PostgresStore::group_exists(const std::string& name) {
  return readers_.run([&](Connection& db) -> core::Result<bool> {
    auto rows = db.query("SELECT 1 FROM \"group\" WHERE name = $1", Params(name));
    if (!rows) return rows.error();
    return !rows->empty();
  });
}

core::Result<std::vector<GroupRecord>> PostgresStore::list_groups() {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<GroupRecord>> {
    auto rows = db.query(
        "SELECT g.name, (SELECT count(*) FROM belongs b WHERE b.id_group = g.id), g.configuration_sum "
        "FROM \"group\" g ORDER BY g.name");
    if (!rows) return rows.error();
    std::vector<GroupRecord> groups;
    for (int row = 0; row < rows->size(); ++row) {
      groups.push_back({rows->text(row, 0), rows->integer(row, 1), rows->optional_text(row, 2)});
    }
    return groups;
  });
}

core::Status PostgresStore::delete_group(const std::string& name) {
  return writer_.run([&](Connection& db) -> core::Status {
    auto id = group_id(db, name);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + name + " does not exist");
    auto members = db.query("SELECT id_agent FROM belongs WHERE id_group = $1 ORDER BY id_agent", Params(**id));
    if (!members) return members.error();
    std::vector<std::string> agents;
    for (int row = 0; row < members->size(); ++row) agents.push_back(members->text(row, 0));
    if (auto s = status_of(db.query("DELETE FROM \"group\" WHERE id = $1", Params(**id))); !s) return s;
    return refresh_agent_groups(db, agents);
  });
}

core::Status PostgresStore::assign_group(const std::string& agent_id, const std::string& group) {
  return writer_.run([&](Connection& db) -> core::Status {
    auto id = group_id(db, group);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + group + " does not exist");
    // Locking the agent row serializes assignments to one agent across nodes, so two of them
    // never compute the same next priority.
    auto agent = db.query("SELECT 1 FROM agent WHERE id = $1 FOR UPDATE", Params(agent_id));
    if (!agent) return agent.error();
    if (agent->empty()) return core::not_found("Agent " + agent_id + " does not exist");
    auto inserted = db.query(
        "INSERT INTO belongs(id_agent, id_group, priority) VALUES($1, $2, "
        "(SELECT coalesce(max(priority) + 1, 0) FROM belongs WHERE id_agent = $1)) ON CONFLICT DO NOTHING",
        Params(agent_id, **id));
    if (!inserted) return inserted.error();
    return refresh_agent_groups(db, {agent_id});
  });
}

core::Status PostgresStore::unassign_group(const std::string& agent_id, const std::string& group) {
  return writer_.run([&](Connection& db) -> core::Status {
    auto id = group_id(db, group);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + group + " does not exist");
    auto removed = db.query("DELETE FROM belongs WHERE id_agent = $1 AND id_group = $2", Params(agent_id, **id));
    if (!removed) return removed.error();
    if (removed->affected() == 0) return core::not_found("Agent " + agent_id + " does not belong to group " + group);
    return refresh_agent_groups(db, {agent_id});
  });
}

core::Result<Page<AgentRecord>> PostgresStore::list_group_agents(const std::string& group, std::int64_t offset,
                                                                 std::int64_t limit) {
  return readers_.run([&](Connection& db) -> core::Result<Page<AgentRecord>> {
    Page<AgentRecord> page;
    auto count = db.query("SELECT count(*) FROM belongs b JOIN \"group\" g ON g.id = b.id_group WHERE g.name = $1",
                          Params(group));
    if (!count) return count.error();
    page.total = count->integer(0, 0);
    auto rows = db.query(std::string("SELECT ") + kAgentColumns +
                             " FROM agent a WHERE a.id IN (SELECT b.id_agent FROM belongs b JOIN \"group\" g ON "
                             "g.id = b.id_group WHERE g.name = $1) ORDER BY a.date_add, a.id LIMIT $2 OFFSET $3",
                         Params(group, limit, offset));
    if (!rows) return rows.error();
    page.items = read_agents(*rows);
    return page;
  });
}

core::Status PostgresStore::put_group_configuration(const std::string& group, const std::string& yaml) {
  const auto sum = configuration_sum(yaml);
  return writer_.run([&](Connection& db) -> core::Status {
    auto updated = db.query("UPDATE \"group\" SET configuration = $2, configuration_sum = $3 WHERE name = $1",
                            Params(group, yaml, sum));
    if (!updated) return updated.error();
    if (updated->affected() == 0) return core::not_found("The group " + group + " does not exist");
    return core::ok_status();
  });
}

core::Result<std::optional<std::string>> PostgresStore::group_configuration(const std::string& group) {
  return readers_.run([&](Connection& db) -> core::Result<std::optional<std::string>> {
    auto rows = db.query("SELECT configuration FROM \"group\" WHERE name = $1", Params(group));
    if (!rows) return rows.error();
    if (rows->empty()) return core::not_found("The group " + group + " does not exist");
    return rows->optional_text(0, 0);
  });
}

}  // namespace herald::store::postgres
