// Wazuh 4.x agents' keys on PostgreSQL. Several nodes enroll at once, so an enrollment first locks
// the id counter row (SELECT ... FOR UPDATE): enrollments run one at a time across the cluster,
// each one's duplicate checks see every enrollment committed before it (READ COMMITTED reads
// afresh per statement), and ids come from that one counter, never reused.
#include "store/legacy_enrollment_rules.h"
#include "store/postgres/memberships.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

constexpr const char* kKeyColumns = "k.id, k.name, k.ip, k.key, k.registered_at";
constexpr const char* kCollisionColumns =
    "a.id, a.name, k.key, a.connection_status, a.disconnection_time, a.date_add";

std::vector<LegacyKey> read_keys(const Rows& rows) {
  std::vector<LegacyKey> keys;
  keys.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) {
    keys.push_back(
        {rows.text(row, 0), rows.text(row, 1), rows.text(row, 2), rows.text(row, 3), rows.integer(row, 4)});
  }
  return keys;
}

std::vector<EnrollmentCollision> read_collisions(const Rows& rows) {
  std::vector<EnrollmentCollision> agents;
  for (int row = 0; row < rows.size(); ++row) {
    agents.push_back({rows.text(row, 0), rows.text(row, 1), rows.optional_text(row, 2), rows.text(row, 3),
                      rows.integer(row, 4), rows.integer(row, 5)});
  }
  return agents;
}

// The group ids of `groups`, in order; not_found names the first that does not exist.
core::Result<std::vector<std::int64_t>> group_ids(Connection& db, const std::vector<std::string>& groups) {
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
core::Status write_memberships(Connection& db, const std::string& agent_id, const std::vector<std::int64_t>& group_ids) {
  if (auto s = status_of(db.query("DELETE FROM belongs WHERE id_agent = $1", Params(agent_id))); !s) return s;
  if (!group_ids.empty()) {
    auto inserted = db.query(
        "INSERT INTO belongs(id_agent, id_group, priority) "
        "SELECT $1, g.id, g.position - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS g(id, position)",
        Params(agent_id, int_array(group_ids)));
    if (!inserted) return inserted.error();
  }
  return refresh_agent_groups(db, {agent_id});
}

}  // namespace

core::Result<LegacyEnrollmentOutcome> PostgresStore::enroll_legacy_agent(const LegacyEnrollment& enrollment) {
  LegacyEnrollmentOutcome outcome;
  const auto groups = distinct_groups(enrollment.groups);
  auto status = writer_.run([&](Connection& db) -> core::Status {
    outcome = LegacyEnrollmentOutcome{};  // the writer may run a job again
    auto counter = db.query("SELECT last_id FROM legacy_id_counter WHERE singleton = 1 FOR UPDATE");
    if (!counter) return counter.error();
    if (counter->empty()) return core::internal_error("the 4.x agent id counter is missing");
    const auto last_id = counter->integer(0, 0);

    // authd checks the groups before the duplicates.
    auto ids = group_ids(db, groups);
    if (!ids) return ids.error();
    std::vector<EnrollmentCollision> same_ip;
    if (enrollment.ip != "any") {
      auto rows = db.query(std::string("SELECT ") + kCollisionColumns +
                               " FROM legacy_key k JOIN agent a ON a.id = k.id WHERE k.ip = $1 ORDER BY k.id",
                           Params(enrollment.ip));
      if (!rows) return rows.error();
      same_ip = read_collisions(*rows);
    }
    auto rows = db.query(std::string("SELECT ") + kCollisionColumns +
                             " FROM agent a LEFT JOIN legacy_key k ON k.id = a.id WHERE a.name = $1 ORDER BY a.id",
                         Params(enrollment.name));
    if (!rows) return rows.error();
    auto plan = plan_legacy_enrollment(enrollment, same_ip, read_collisions(*rows));
    if (plan.refusal) {
      outcome.kind = *plan.refusal;
      return core::ok_status();  // nothing written; the lock goes with the transaction
    }
    if (!plan.replace.empty()) {
      // The key and memberships go with the row (ON DELETE CASCADE); orders stay.
      auto removed = db.query("DELETE FROM agent WHERE id = ANY($1::text[])", Params(text_array(plan.replace)));
      if (!removed) return removed.error();
    }

    outcome.key = {format_legacy_id(last_id + 1), enrollment.name, enrollment.ip, enrollment.key, enrollment.now};
    outcome.replaced_ids = plan.replace;
    if (!plan.replace.empty()) outcome.replaced_id = plan.replace.front();
    if (auto s = status_of(db.query("UPDATE legacy_id_counter SET last_id = $1 WHERE singleton = 1",
                                    Params(last_id + 1)));
        !s) {
      return s;
    }
    Params agent(outcome.key.id, enrollment.name, enrollment.version,
                 enrollment.ip == "any" ? std::string() : enrollment.ip);  // "" is shown as "any"
    agent.add(enrollment.now).add(enrollment.node_name);
    auto inserted = db.query(
        "INSERT INTO agent(id, name, key_hash, type, version, ip, connection_status, date_add, node_name) "
        "VALUES($1, $2, '', 'wazuh-4.x', $3, $4, 'never_connected', $5, $6)",
        agent);
    if (!inserted) return inserted.error();
    if (auto s = write_memberships(db, outcome.key.id, *ids); !s) return s;
    Params key(outcome.key.id, outcome.key.name, outcome.key.ip, outcome.key.key);
    key.add(outcome.key.registered_at);
    return status_of(
        db.query("INSERT INTO legacy_key(id, name, ip, key, registered_at) VALUES($1, $2, $3, $4, $5)", key));
  });
  if (!status) return status.error();
  return outcome;
}

core::Result<std::optional<LegacyKey>> PostgresStore::find_legacy_key(const std::string& id) {
  return readers_.run([&](Connection& db) -> core::Result<std::optional<LegacyKey>> {
    auto rows = db.query(std::string("SELECT ") + kKeyColumns + " FROM legacy_key k WHERE k.id = $1", Params(id));
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<LegacyKey>{};
    return std::optional<LegacyKey>(read_keys(*rows).front());
  });
}

core::Result<std::vector<LegacyKey>> PostgresStore::legacy_keys_for_ip(const std::string& ip) {
  if (!is_single_address(ip)) return std::vector<LegacyKey>{};
  return readers_.run([&](Connection& db) -> core::Result<std::vector<LegacyKey>> {
    auto rows = db.query(std::string("SELECT ") + kKeyColumns + " FROM legacy_key k WHERE k.ip = $1 ORDER BY k.id",
                         Params(ip));
    if (!rows) return rows.error();
    return read_keys(*rows);
  });
}

core::Result<std::vector<LegacyKey>> PostgresStore::list_legacy_keys() {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<LegacyKey>> {
    // Ids are numbers of any width ("999" < "1000"): by length, then text.
    auto rows =
        db.query(std::string("SELECT ") + kKeyColumns + " FROM legacy_key k ORDER BY length(k.id), k.id");
    if (!rows) return rows.error();
    return read_keys(*rows);
  });
}

core::Status PostgresStore::set_agent_groups(const std::string& agent_id, const std::vector<std::string>& groups) {
  const auto distinct = distinct_groups(groups);
  return writer_.run([&](Connection& db) -> core::Status {
    // Locks the row, so two nodes setting the groups of one agent run one after the other.
    auto agent = db.query("SELECT 1 FROM agent WHERE id = $1 FOR UPDATE", Params(agent_id));
    if (!agent) return agent.error();
    if (agent->empty()) return core::not_found("Agent " + agent_id + " does not exist");
    auto ids = group_ids(db, distinct);
    if (!ids) return ids.error();
    return write_memberships(db, agent_id, *ids);
  });
}

}  // namespace herald::store::postgres
