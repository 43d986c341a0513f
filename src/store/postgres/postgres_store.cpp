#include "store/postgres/postgres_store.h"

#include "store/postgres/advisory_leader_lock.h"
#include "store/postgres/schema.h"

namespace herald::store::postgres {

core::Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const PostgresOptions& options) {
  ConnectSettings settings;
  settings.dsn = options.dsn;
  settings.connect_timeout_seconds = options.connect_timeout_seconds;
  settings.tcp_user_timeout_ms = options.tcp_user_timeout_ms;
  settings.query_timeout_ms = options.query_timeout_ms;
  settings.application_name = options.application_name;
  auto connection = Connection::open(settings);
  if (!connection) return connection.error();
  // A migration may wait for another node's or rewrite a large table: no limit while it runs.
  (*connection)->set_query_timeout_ms(0);
  if (auto migrated = migrate(**connection); !migrated) return migrated.error();
  (*connection)->set_query_timeout_ms(settings.query_timeout_ms);
  return std::unique_ptr<PostgresStore>(new PostgresStore(settings, options.pool_size, std::move(connection).value()));
}

PostgresStore::PostgresStore(const ConnectSettings& settings, int pool_size,
                             std::unique_ptr<Connection> writer_connection)
    : settings_(settings), writer_(settings, std::move(writer_connection)), readers_(settings, pool_size) {}

PostgresStore::~PostgresStore() {
  close();
}

void PostgresStore::close() {
  writer_.close();
  readers_.close();
}

std::unique_ptr<LeaderLock> PostgresStore::leader_lock() {
  constexpr std::int64_t kHeraldLeaderKey = 0x4845'5241'4c44;  // "HERALD"
  return std::make_unique<AdvisoryLeaderLock>(settings_, kHeraldLeaderKey);
}

core::Status PostgresStore::create_user(const UserRecord& user) {
  return writer_.run([&](Connection& db) -> core::Status {
    auto inserted = db.query("INSERT INTO users(name, password_hash, created_at) VALUES($1, $2, $3)",
                             Params(user.name, user.password_hash, user.created_at));
    if (!inserted && inserted.error().kind == core::ErrorKind::conflict) {
      return core::conflict("user " + user.name + " exists");
    }
    if (!inserted) return inserted.error();
    return core::ok_status();
  });
}

core::Result<std::optional<UserRecord>> PostgresStore::find_user(const std::string& name) {
  return readers_.run([&](Connection& db) -> core::Result<std::optional<UserRecord>> {
    auto rows = db.query("SELECT name, password_hash, created_at FROM users WHERE name = $1", Params(name));
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(UserRecord{rows->text(0, 0), rows->text(0, 1), rows->integer(0, 2)});
  });
}

}  // namespace herald::store::postgres
