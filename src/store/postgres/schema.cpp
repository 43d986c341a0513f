#include "store/postgres/schema.h"

#include <array>
#include <string>

namespace herald::store::postgres {

namespace {

// The same tables and columns as the SQLite backend (store/sqlite/schema.cpp): agent, "group",
// belongs as in Wazuh's global.db, plus users, requests and the orders stream. Epochs are
// BIGINT. Text columns use the "C" collation so that sorting and comparisons are bytewise, as in
// SQLite, whatever locale the database was created with.
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE agent (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  key_hash TEXT NOT NULL,
  type TEXT COLLATE "C" NOT NULL DEFAULT '',
  version TEXT COLLATE "C" NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '{}',
  ip TEXT COLLATE "C" NOT NULL DEFAULT '',
  os_name TEXT COLLATE "C" NOT NULL DEFAULT '',
  os_version TEXT COLLATE "C" NOT NULL DEFAULT '',
  os_platform TEXT COLLATE "C" NOT NULL DEFAULT '',
  os_arch TEXT COLLATE "C" NOT NULL DEFAULT '',
  "group" TEXT COLLATE "C" NOT NULL DEFAULT '',
  connection_status TEXT COLLATE "C" NOT NULL DEFAULT 'never_connected',
  status_code INTEGER NOT NULL DEFAULT 0,
  status_reason TEXT COLLATE "C" NOT NULL DEFAULT '',
  date_add BIGINT NOT NULL,
  last_keepalive BIGINT,
  disconnection_time BIGINT NOT NULL DEFAULT 0,
  node_name TEXT COLLATE "C" NOT NULL DEFAULT 'unknown',
  group_config_status TEXT COLLATE "C" NOT NULL DEFAULT 'not synced',
  reported_groups TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX agent_name ON agent(name);
CREATE INDEX agent_connection_status ON agent(connection_status, last_keepalive);
CREATE INDEX agent_date_add ON agent(date_add, id);
CREATE TABLE "group" (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL UNIQUE,
  configuration TEXT,
  configuration_sum TEXT
);
CREATE TABLE belongs (
  id_agent TEXT COLLATE "C" NOT NULL REFERENCES agent(id) ON DELETE CASCADE,
  id_group BIGINT NOT NULL REFERENCES "group"(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id_agent, id_group)
);
CREATE INDEX belongs_group ON belongs(id_group, id_agent);
CREATE TABLE users (
  name TEXT COLLATE "C" PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- Request ids come from this identity's sequence, shared by every node (never reused).
CREATE TABLE requests (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at BIGINT NOT NULL,
  order_count BIGINT NOT NULL
);
CREATE TABLE orders (
  request_id BIGINT NOT NULL,
  order_id BIGINT NOT NULL,
  agent_id TEXT COLLATE "C",
  agent_groups TEXT,
  source TEXT COLLATE "C" NOT NULL,
  "user" TEXT,
  target_type TEXT NOT NULL,
  target_id TEXT COLLATE "C" NOT NULL,
  action_name TEXT COLLATE "C" NOT NULL,
  action_args TEXT NOT NULL,
  action_version TEXT,
  timeout INTEGER NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  deadline BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  result_code BIGINT,
  result_message TEXT,
  result_data TEXT,
  agent_metadata TEXT,
  PRIMARY KEY (request_id, order_id)
);
CREATE INDEX orders_open_by_deadline ON orders(deadline) WHERE status IN ('pending', 'sent');
CREATE INDEX orders_by_agent ON orders(agent_id, status) WHERE agent_id IS NOT NULL;
CREATE INDEX orders_terminal_by_update ON orders(updated_at) WHERE status IN ('success', 'failure');
-- Server modules long-poll their pending orders by target id, compared case-insensitively.
CREATE INDEX orders_server_pending ON orders(lower(target_id)) WHERE agent_id IS NULL AND status = 'pending';
)sql",
    // 2: Wazuh 4.x agents (as in the SQLite schema's migration 4). Enrollments lock the counter
    // row first (SELECT ... FOR UPDATE), which serializes them across every node.
    R"sql(
CREATE TABLE legacy_key (
  id TEXT COLLATE "C" PRIMARY KEY REFERENCES agent(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  ip TEXT COLLATE "C" NOT NULL,
  key TEXT NOT NULL,
  registered_at BIGINT NOT NULL
);
CREATE INDEX legacy_key_ip ON legacy_key(ip);
CREATE TABLE legacy_id_counter (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id BIGINT NOT NULL
);
INSERT INTO legacy_id_counter(singleton, last_id) VALUES(1, 0);
ALTER TABLE agent ADD COLUMN config_sum TEXT NOT NULL DEFAULT '';
ALTER TABLE agent ADD COLUMN merged_sum TEXT NOT NULL DEFAULT '';
ALTER TABLE agent ADD COLUMN os_uname TEXT NOT NULL DEFAULT '';
ALTER TABLE agent ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
)sql",
    // Custom ruleset files (PUT /rules/files/{name} ...) and the version every change bumps.
    R"sql(
CREATE TABLE ruleset_file (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  content TEXT NOT NULL,
  PRIMARY KEY (kind, name)
);
CREATE TABLE ruleset_version (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version BIGINT NOT NULL
);
INSERT INTO ruleset_version(singleton, version) VALUES(1, 0);
)sql",
    // Stored alerts (GET /alerts). One index per filter GET /alerts takes, each ending in time so
    // the newest page of a filter is read straight off the index.
    R"sql(
CREATE TABLE alert (
  id TEXT COLLATE "C" PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  level INTEGER NOT NULL,
  rule_id BIGINT NOT NULL,
  agent_id TEXT COLLATE "C" NOT NULL,
  groups TEXT COLLATE "C" NOT NULL,
  description TEXT NOT NULL,
  full_log TEXT NOT NULL,
  json TEXT NOT NULL
);
CREATE INDEX alert_time ON alert(time_ms);
CREATE INDEX alert_level_time ON alert(level, time_ms);
CREATE INDEX alert_rule_time ON alert(rule_id, time_ms);
CREATE INDEX alert_agent_time ON alert(agent_id, time_ms);
)sql",
};

// pg_advisory_xact_lock key: "HERALD" and the lock's purpose (1: schema migrations).
constexpr std::int64_t kMigrationLock = 0x4845'5241'4c44'0001;

core::Status apply_missing(Connection& connection) {
  if (auto locked = connection.query("SELECT pg_advisory_xact_lock($1)", Params(kMigrationLock)); !locked) {
    return locked.error();
  }
  if (auto created = connection.exec(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      !created) {
    return created;
  }
  auto current = connection.query("SELECT coalesce(max(version), 0) FROM schema_version");
  if (!current) return current.error();
  const auto version = current->integer(0, 0);
  if (version > latest_schema_version()) {
    return core::internal_error("database schema version " + std::to_string(version) +
                                " is newer than this heraldd understands (" + std::to_string(latest_schema_version()) +
                                ")");
  }
  for (auto next = version + 1; next <= latest_schema_version(); ++next) {
    if (auto applied = connection.exec(kMigrations[static_cast<std::size_t>(next - 1)]); !applied) return applied;
    auto recorded = connection.query(
        "INSERT INTO schema_version(version, applied_at) VALUES($1, extract(epoch FROM now())::bigint)", Params(next));
    if (!recorded) return recorded.error();
  }
  return core::ok_status();
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(kMigrations.size());
}

core::Status migrate(Connection& connection) {
  if (auto begun = connection.exec("BEGIN"); !begun) return begun;
  auto applied = apply_missing(connection);
  if (!applied) {
    if (!connection.broken()) (void)connection.exec("ROLLBACK");
    return applied;
  }
  return connection.exec("COMMIT");
}

}  // namespace herald::store::postgres
