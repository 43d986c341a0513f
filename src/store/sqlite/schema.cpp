#include "store/sqlite/schema.h"

#include <array>
#include <string>

namespace herald::store::sqlite {

namespace {

// Tables follow Wazuh's global.db where it fits (agent, group, belongs), plus the orders stream.
constexpr std::array kMigrations = {
    R"sql(
CREATE TABLE agent (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  version TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '{}',
  ip TEXT NOT NULL DEFAULT '',
  os_name TEXT NOT NULL DEFAULT '',
  os_version TEXT NOT NULL DEFAULT '',
  os_platform TEXT NOT NULL DEFAULT '',
  os_arch TEXT NOT NULL DEFAULT '',
  "group" TEXT NOT NULL DEFAULT '',
  connection_status TEXT NOT NULL DEFAULT 'never_connected',
  status_code INTEGER NOT NULL DEFAULT 0,
  date_add INTEGER NOT NULL,
  last_keepalive INTEGER,
  disconnection_time INTEGER NOT NULL DEFAULT 0,
  node_name TEXT NOT NULL DEFAULT 'unknown',
  group_config_status TEXT NOT NULL DEFAULT 'not synced'
);
CREATE INDEX agent_name ON agent(name);
CREATE TABLE "group" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  configuration TEXT,
  configuration_sum TEXT
);
CREATE TABLE belongs (
  id_agent TEXT NOT NULL REFERENCES agent(id) ON DELETE CASCADE,
  id_group INTEGER NOT NULL REFERENCES "group"(id) ON DELETE CASCADE,
  priority INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (id_agent, id_group)
) WITHOUT ROWID;
CREATE INDEX belongs_group ON belongs(id_group, id_agent);
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  order_count INTEGER NOT NULL
);
CREATE TABLE orders (
  request_id INTEGER NOT NULL,
  order_id INTEGER NOT NULL,
  agent_id TEXT,
  agent_groups TEXT,
  source TEXT NOT NULL,
  user TEXT,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  action_name TEXT NOT NULL,
  action_args TEXT NOT NULL,
  action_version TEXT,
  timeout INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  result_code INTEGER,
  result_message TEXT,
  result_data TEXT,
  agent_metadata TEXT,
  PRIMARY KEY (request_id, order_id)
) WITHOUT ROWID;
CREATE INDEX orders_open_by_deadline ON orders(deadline) WHERE status IN ('pending', 'sent');
CREATE INDEX orders_by_agent ON orders(agent_id, status) WHERE agent_id IS NOT NULL;
CREATE INDEX orders_terminal_by_update ON orders(updated_at) WHERE status IN ('success', 'failure');
)sql",
    // 2: server modules long-poll their pending orders by target id.
    R"sql(
CREATE INDEX orders_server_pending ON orders(target_id COLLATE NOCASE)
  WHERE agent_id IS NULL AND status = 'pending';
)sql",
    // 3: liveness. Why the status last changed, the groups the agent reports, and the indexes
    // GET /agents filters and sorts on.
    R"sql(
ALTER TABLE agent ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE agent ADD COLUMN reported_groups TEXT NOT NULL DEFAULT '';
CREATE INDEX agent_connection_status ON agent(connection_status, last_keepalive);
CREATE INDEX agent_date_add ON agent(date_add, id);
)sql",
    // 4: Wazuh 4.x agents. Their keys (client.keys lines; the agent row goes with its key), the
    // counter their ids are drawn from (the largest id ever allocated, so ids are never reused),
    // and what their keep-alives report.
    R"sql(
CREATE TABLE legacy_key (
  id TEXT PRIMARY KEY REFERENCES agent(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  ip TEXT NOT NULL,
  key TEXT NOT NULL,
  registered_at INTEGER NOT NULL
);
CREATE INDEX legacy_key_ip ON legacy_key(ip);
CREATE TABLE legacy_id_counter (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_id INTEGER NOT NULL
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
  version INTEGER NOT NULL
);
INSERT INTO ruleset_version(singleton, version) VALUES(1, 0);
)sql",
    // Stored alerts (GET /alerts). One index per filter GET /alerts takes, each ending in time so
    // the newest page of a filter is read straight off the index.
    R"sql(
CREATE TABLE alert (
  id TEXT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  level INTEGER NOT NULL,
  rule_id BIGINT NOT NULL,
  agent_id TEXT NOT NULL,
  groups TEXT NOT NULL,
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

}  // namespace

core::Status migrate(Database& db) {
  if (auto status = db.exec("CREATE TABLE IF NOT EXISTS metadata (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      !status) {
    return status;
  }
  if (auto status = db.exec("BEGIN IMMEDIATE"); !status) return status;
  std::int64_t version = 0;
  {
    auto select = db.prepare("SELECT value FROM metadata WHERE key = 'schema_version'");
    if (!select) {
      (void)db.exec("ROLLBACK");
      return select.error();
    }
    auto row = select->step();
    if (!row) {
      (void)db.exec("ROLLBACK");
      return row.error();
    }
    if (*row) version = std::stoll(select->column_text(0));
  }
  if (version > static_cast<std::int64_t>(kMigrations.size())) {
    (void)db.exec("ROLLBACK");
    return core::internal_error("database schema version " + std::to_string(version) +
                                " is newer than this heraldd understands");
  }
  if (version == static_cast<std::int64_t>(kMigrations.size())) return db.exec("COMMIT");  // nothing to write
  for (auto v = version; v < static_cast<std::int64_t>(kMigrations.size()); ++v) {
    if (auto status = db.exec(kMigrations[static_cast<std::size_t>(v)]); !status) {
      (void)db.exec("ROLLBACK");
      return status;
    }
  }
  auto upsert = db.prepare("INSERT INTO metadata(key, value) VALUES('schema_version', ?1) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (!upsert) {
    (void)db.exec("ROLLBACK");
    return upsert.error();
  }
  if (auto status = upsert->bind(1, std::to_string(kMigrations.size())).run(); !status) {
    (void)db.exec("ROLLBACK");
    return status;
  }
  return db.exec("COMMIT");
}

}  // namespace herald::store::sqlite
