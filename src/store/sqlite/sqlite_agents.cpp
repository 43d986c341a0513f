// Agents, groups and memberships on SQLite.

#include "store/agent_query_sql.h"
#include "store/configuration_sum.h"
#include "store/group_list.h"
#include "store/sqlite/agent_rows.h"
#include "store/sqlite/memberships.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

core::Status SqliteStore::create_agent(const AgentRecord& agent) {
  return writer_.run([&](Database& db) -> core::Status {
    auto insert = db.prepare(
        "INSERT INTO agent(id, name, key_hash, type, version, host, ip, os_name, os_version, os_platform, os_arch, "
        "connection_status, status_code, date_add, node_name) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!insert) return insert.error();
    auto status = insert->bind(1, agent.id)
                      .bind(2, agent.name)
                      .bind(3, agent.key_hash)
                      .bind(4, agent.type)
                      .bind(5, agent.version)
                      .bind(6, agent.host_json)
                      .bind(7, agent.ip)
                      .bind(8, agent.os_name)
                      .bind(9, agent.os_version)
                      .bind(10, agent.os_platform)
                      .bind(11, agent.os_arch)
                      .bind(12, agent.connection_status)
                      .bind(13, static_cast<std::int64_t>(agent.status_code))
                      .bind(14, agent.date_add)
                      .bind(15, agent.node_name)
                      .run();
    if (!status && status.error().kind == core::ErrorKind::conflict) {
      return core::conflict("There is an agent with the same ID: " + agent.id);
    }
    return status;
  });
}

core::Result<std::optional<AgentRecord>> SqliteStore::find_agent(const std::string& id) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(std::string("SELECT ") + kAgentColumns + " FROM agent a WHERE a.id = ?1");
  if (!select) return select.error();
  select->bind(1, id);
  auto agents = read_agents(*select);
  if (!agents) return agents.error();
  if (agents->empty()) return std::optional<AgentRecord>{};
  return std::optional<AgentRecord>(std::move(agents->front()));
}

core::Result<Page<AgentRecord>> SqliteStore::list_agents(std::int64_t offset, std::int64_t limit) {
  auto lease = read();
  if (!lease) return lease.error();
  Page<AgentRecord> page;
  auto count = (**lease)->prepare("SELECT count(*) FROM agent");
  if (!count) return count.error();
  if (auto row = count->step(); !row) return row.error();
  page.total = count->column_int(0);
  auto select = (**lease)->prepare(std::string("SELECT ") + kAgentColumns +
                                   " FROM agent a ORDER BY a.date_add, a.id LIMIT ?1 OFFSET ?2");
  if (!select) return select.error();
  select->bind(1, limit).bind(2, offset);
  auto agents = read_agents(*select);
  if (!agents) return agents.error();
  page.items = std::move(agents).value();
  return page;
}

core::Result<std::vector<TargetAgent>> SqliteStore::resolve_agents(const std::vector<std::string>& ids) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT id, \"group\" FROM agent a WHERE a.id = ?1");
  if (!select) return select.error();
  std::vector<TargetAgent> found;
  for (const auto& id : ids) {
    select->bind(1, id);
    auto row = select->step();
    if (!row) return row.error();
    if (*row) found.push_back({select->column_text(0), split_group_list(select->column_text(1))});
    select->reset();
  }
  return found;
}

core::Result<std::vector<TargetAgent>> SqliteStore::group_members(const std::string& group) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(
      "SELECT a.id, a.\"group\" FROM \"group\" g JOIN belongs b ON b.id_group = g.id JOIN agent a ON a.id = b.id_agent "
      "WHERE g.name = ?1 ORDER BY a.id");
  if (!select) return select.error();
  select->bind(1, group);
  std::vector<TargetAgent> members;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    members.push_back({select->column_text(0), split_group_list(select->column_text(1))});
  }
  return members;
}

core::Status SqliteStore::create_group(const std::string& name) {
  return writer_.run([&](Database& db) -> core::Status {
    auto insert = db.prepare("INSERT INTO \"group\"(name) VALUES(?1)");
    if (!insert) return insert.error();
    auto status = insert->bind(1, name).run();
    if (!status && status.error().kind == core::ErrorKind::conflict) {
      return core::conflict("The group " + name + " already exists");
    }
    return status;
  });
}

core::Result<bool> SqliteStore::group_exists(const std::string& name) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT 1 FROM \"group\" WHERE name = ?1");
  if (!select) return select.error();
  select->bind(1, name);
  return select->step();
}

core::Result<std::vector<GroupRecord>> SqliteStore::list_groups() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(
      "SELECT g.name, (SELECT count(*) FROM belongs b WHERE b.id_group = g.id), g.configuration_sum "
      "FROM \"group\" g ORDER BY g.name");
  if (!select) return select.error();
  std::vector<GroupRecord> groups;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    groups.push_back({select->column_text(0), select->column_int(1), select->column_optional_text(2)});
  }
  return groups;
}

core::Status SqliteStore::delete_group(const std::string& name) {
  return writer_.run([&](Database& db) -> core::Status {
    auto id = group_id(db, name);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + name + " does not exist");
    std::vector<std::string> members;
    {
      auto select = db.prepare("SELECT id_agent FROM belongs WHERE id_group = ?1");
      if (!select) return select.error();
      select->bind(1, **id);
      for (;;) {
        auto row = select->step();
        if (!row) return row.error();
        if (!*row) break;
        members.push_back(select->column_text(0));
      }
    }
    auto remove = db.prepare("DELETE FROM \"group\" WHERE id = ?1");
    if (!remove) return remove.error();
    if (auto s = remove->bind(1, **id).run(); !s) return s;
    for (const auto& agent : members) {
      if (auto s = refresh_agent_groups(db, agent); !s) return s;
    }
    return core::ok_status();
  });
}

core::Status SqliteStore::assign_group(const std::string& agent_id, const std::string& group) {
  return writer_.run([&](Database& db) -> core::Status {
    auto id = group_id(db, group);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + group + " does not exist");
    {
      auto exists = db.prepare("SELECT 1 FROM agent WHERE id = ?1");
      if (!exists) return exists.error();
      auto row = exists->bind(1, agent_id).step();
      if (!row) return row.error();
      if (!*row) return core::not_found("Agent " + agent_id + " does not exist");
    }
    auto insert = db.prepare(
        "INSERT INTO belongs(id_agent, id_group, priority) VALUES(?1, ?2, "
        "(SELECT coalesce(max(priority) + 1, 0) FROM belongs WHERE id_agent = ?1)) ON CONFLICT DO NOTHING");
    if (!insert) return insert.error();
    if (auto s = insert->bind(1, agent_id).bind(2, **id).run(); !s) return s;
    return refresh_agent_groups(db, agent_id);
  });
}

core::Status SqliteStore::unassign_group(const std::string& agent_id, const std::string& group) {
  return writer_.run([&](Database& db) -> core::Status {
    auto id = group_id(db, group);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + group + " does not exist");
    auto remove = db.prepare("DELETE FROM belongs WHERE id_agent = ?1 AND id_group = ?2");
    if (!remove) return remove.error();
    if (auto s = remove->bind(1, agent_id).bind(2, **id).run(); !s) return s;
    if (db.changes() == 0) return core::not_found("Agent " + agent_id + " does not belong to group " + group);
    return refresh_agent_groups(db, agent_id);
  });
}

core::Result<Page<AgentRecord>> SqliteStore::list_group_agents(const std::string& group, std::int64_t offset,
                                                               std::int64_t limit) {
  auto lease = read();
  if (!lease) return lease.error();
  Page<AgentRecord> page;
  auto count = (**lease)->prepare(
      "SELECT count(*) FROM belongs b JOIN \"group\" g ON g.id = b.id_group WHERE g.name = ?1");
  if (!count) return count.error();
  count->bind(1, group);
  if (auto row = count->step(); !row) return row.error();
  page.total = count->column_int(0);
  auto select = (**lease)->prepare(std::string("SELECT ") + kAgentColumns +
                                   " FROM agent a WHERE a.id IN (SELECT b.id_agent FROM belongs b JOIN \"group\" g ON "
                                   "g.id = b.id_group WHERE g.name = ?1) ORDER BY a.date_add, a.id LIMIT ?2 OFFSET ?3");
  if (!select) return select.error();
  select->bind(1, group).bind(2, limit).bind(3, offset);
  auto agents = read_agents(*select);
  if (!agents) return agents.error();
  page.items = std::move(agents).value();
  return page;
}

core::Status SqliteStore::put_group_configuration(const std::string& group, const std::string& yaml) {
  return writer_.run([&](Database& db) -> core::Status {
    auto update = db.prepare("UPDATE \"group\" SET configuration = ?2, configuration_sum = ?3 WHERE name = ?1");
    if (!update) return update.error();
    if (auto s = update->bind(1, group).bind(2, yaml).bind(3, configuration_sum(yaml)).run(); !s) return s;
    if (db.changes() == 0) return core::not_found("The group " + group + " does not exist");
    return core::ok_status();
  });
}

core::Result<std::optional<std::string>> SqliteStore::group_configuration(const std::string& group) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT configuration FROM \"group\" WHERE name = ?1");
  if (!select) return select.error();
  select->bind(1, group);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return core::not_found("The group " + group + " does not exist");
  return select->column_optional_text(0);
}

}  // namespace herald::store::sqlite
