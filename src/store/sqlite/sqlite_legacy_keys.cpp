// Wazuh 4.x agents' keys on SQLite: enrollment (key + agent row in one write job; the single
// writer thread serializes enrollments), lookups, and group replacement.
#include "store/legacy_enrollment_rules.h"
#include "store/sqlite/memberships.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

namespace {

constexpr const char* kKeyColumns = "k.id, k.name, k.ip, k.key, k.registered_at";
constexpr const char* kCollisionColumns =
    "a.id, a.name, k.key, a.connection_status, a.disconnection_time, a.date_add";

core::Result<std::vector<LegacyKey>> read_keys(Statement& select) {
  std::vector<LegacyKey> keys;
  for (;;) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    keys.push_back({select.column_text(0), select.column_text(1), select.column_text(2), select.column_text(3),
                    select.column_int(4)});
  }
  return keys;
}

core::Result<std::vector<EnrollmentCollision>> read_collisions(Statement& select) {
  std::vector<EnrollmentCollision> agents;
  for (;;) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    agents.push_back({select.column_text(0), select.column_text(1), select.column_optional_text(2),
                      select.column_text(3), select.column_int(4), select.column_int(5)});
  }
  return agents;
}

// The group ids of `groups`, in order; not_found names the first that does not exist.
core::Result<std::vector<std::int64_t>> group_ids(Database& db, const std::vector<std::string>& groups) {
  std::vector<std::int64_t> ids;
  for (const auto& group : groups) {
    auto id = group_id(db, group);
    if (!id) return id.error();
    if (!*id) return core::not_found("The group " + group + " does not exist");
    ids.push_back(**id);
  }
  return ids;
}

// Makes `group_ids` the agent's memberships, in this priority order.
core::Status write_memberships(Database& db, const std::string& agent_id, const std::vector<std::int64_t>& group_ids) {
  auto clear = db.prepare("DELETE FROM belongs WHERE id_agent = ?1");
  if (!clear) return clear.error();
  if (auto s = clear->bind(1, agent_id).run(); !s) return s;
  auto insert = db.prepare("INSERT INTO belongs(id_agent, id_group, priority) VALUES(?1, ?2, ?3)");
  if (!insert) return insert.error();
  for (std::size_t i = 0; i < group_ids.size(); ++i) {
    if (auto s = insert->bind(1, agent_id).bind(2, group_ids[i]).bind(3, static_cast<std::int64_t>(i)).run(); !s) {
      return s;
    }
    insert->reset();
  }
  return refresh_agent_groups(db, agent_id);
}

// Removes a replaced agent: key, memberships, row (its orders stay).
core::Status remove_agent(Database& db, const std::string& agent_id) {
  for (const char* sql : {"DELETE FROM legacy_key WHERE id = ?1", "DELETE FROM belongs WHERE id_agent = ?1",
                          "DELETE FROM agent WHERE id = ?1"}) {
    auto remove = db.prepare(sql);
    if (!remove) return remove.error();
    if (auto s = remove->bind(1, agent_id).run(); !s) return s;
  }
  return core::ok_status();
}

}  // namespace

core::Result<LegacyEnrollmentOutcome> SqliteStore::enroll_legacy_agent(const LegacyEnrollment& enrollment) {
  LegacyEnrollmentOutcome outcome;
  const auto groups = distinct_groups(enrollment.groups);
  auto status = writer_.run([&](Database& db) -> core::Status {
    outcome = LegacyEnrollmentOutcome{};
    // authd checks the groups before the duplicates.
    auto ids = group_ids(db, groups);
    if (!ids) return ids.error();

    std::vector<EnrollmentCollision> same_ip;
    if (enrollment.ip != "any") {
      auto select = db.prepare(std::string("SELECT ") + kCollisionColumns +
                               " FROM legacy_key k JOIN agent a ON a.id = k.id WHERE k.ip = ?1 ORDER BY k.id");
      if (!select) return select.error();
      select->bind(1, enrollment.ip);
      auto found = read_collisions(*select);
      if (!found) return found.error();
      same_ip = std::move(found).value();
    }
    std::vector<EnrollmentCollision> same_name;
    {
      auto select = db.prepare(std::string("SELECT ") + kCollisionColumns +
                               " FROM agent a LEFT JOIN legacy_key k ON k.id = a.id WHERE a.name = ?1 ORDER BY a.id");
      if (!select) return select.error();
      select->bind(1, enrollment.name);
      auto found = read_collisions(*select);
      if (!found) return found.error();
      same_name = std::move(found).value();
    }
    auto plan = plan_legacy_enrollment(enrollment, same_ip, same_name);
    if (plan.refusal) {
      outcome.kind = *plan.refusal;
      return core::ok_status();  // nothing written
    }
    for (const auto& id : plan.replace) {
      if (auto s = remove_agent(db, id); !s) return s;
    }

    std::int64_t number = 0;
    {
      auto next = db.prepare("UPDATE legacy_id_counter SET last_id = last_id + 1 WHERE singleton = 1 RETURNING last_id");
      if (!next) return next.error();
      auto row = next->step();
      if (!row) return row.error();
      if (!*row) return core::internal_error("the 4.x agent id counter is missing");
      number = next->column_int(0);
    }
    outcome.key = {format_legacy_id(number), enrollment.name, enrollment.ip, enrollment.key, enrollment.now};
    outcome.replaced_ids = plan.replace;
    if (!plan.replace.empty()) outcome.replaced_id = plan.replace.front();

    auto insert = db.prepare(
        "INSERT INTO agent(id, name, key_hash, type, version, ip, connection_status, date_add, node_name) "
        "VALUES(?1, ?2, '', 'wazuh-4.x', ?3, ?4, 'never_connected', ?5, ?6)");
    if (!insert) return insert.error();
    if (auto s = insert->bind(1, outcome.key.id)
                     .bind(2, enrollment.name)
                     .bind(3, enrollment.version)
                     .bind(4, enrollment.ip == "any" ? std::string() : enrollment.ip)  // shown as "any"
                     .bind(5, enrollment.now)
                     .bind(6, enrollment.node_name)
                     .run();
        !s) {
      return s;
    }
    if (auto s = write_memberships(db, outcome.key.id, *ids); !s) return s;
    auto key = db.prepare("INSERT INTO legacy_key(id, name, ip, key, registered_at) VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!key) return key.error();
    return key->bind(1, outcome.key.id)
        .bind(2, outcome.key.name)
        .bind(3, outcome.key.ip)
        .bind(4, outcome.key.key)
        .bind(5, outcome.key.registered_at)
        .run();
  });
  if (!status) return status.error();
  return outcome;
}

core::Result<std::optional<LegacyKey>> SqliteStore::find_legacy_key(const std::string& id) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(std::string("SELECT ") + kKeyColumns + " FROM legacy_key k WHERE k.id = ?1");
  if (!select) return select.error();
  select->bind(1, id);
  auto keys = read_keys(*select);
  if (!keys) return keys.error();
  if (keys->empty()) return std::optional<LegacyKey>{};
  return std::optional<LegacyKey>(std::move(keys->front()));
}

core::Result<std::vector<LegacyKey>> SqliteStore::legacy_keys_for_ip(const std::string& ip) {
  if (!is_single_address(ip)) return std::vector<LegacyKey>{};
  auto lease = read();
  if (!lease) return lease.error();
  auto select =
      (**lease)->prepare(std::string("SELECT ") + kKeyColumns + " FROM legacy_key k WHERE k.ip = ?1 ORDER BY k.id");
  if (!select) return select.error();
  select->bind(1, ip);
  return read_keys(*select);
}

core::Result<std::vector<LegacyKey>> SqliteStore::list_legacy_keys() {
  auto lease = read();
  if (!lease) return lease.error();
  // Ids are numbers of any width ("999" < "1000"): by length, then text.
  auto select = (**lease)->prepare(std::string("SELECT ") + kKeyColumns +
                                   " FROM legacy_key k ORDER BY length(k.id), k.id");
  if (!select) return select.error();
  return read_keys(*select);
}

core::Status SqliteStore::set_agent_groups(const std::string& agent_id, const std::vector<std::string>& groups) {
  const auto distinct = distinct_groups(groups);
  return writer_.run([&](Database& db) -> core::Status {
    {
      auto exists = db.prepare("SELECT 1 FROM agent WHERE id = ?1");
      if (!exists) return exists.error();
      auto row = exists->bind(1, agent_id).step();
      if (!row) return row.error();
      if (!*row) return core::not_found("Agent " + agent_id + " does not exist");
    }
    auto ids = group_ids(db, distinct);
    if (!ids) return ids.error();
    return write_memberships(db, agent_id, *ids);
  });
}

}  // namespace herald::store::sqlite
