#include "store/sqlite/sqlite_store.h"

#include <filesystem>

#include "store/sqlite/schema.h"

namespace herald::store::sqlite {

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options) {
  std::error_code ec;
  auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return core::unavailable("cannot create directory " + parent.string() + ": " + ec.message());

  auto db = Database::open(options.path, options.synchronous);
  if (!db) return db.error();
  if (auto status = migrate(**db); !status) return status.error();
  return std::unique_ptr<SqliteStore>(new SqliteStore(options, std::move(db).value()));
}

SqliteStore::SqliteStore(SqliteOptions options, std::unique_ptr<Database> writer_db)
    : options_(std::move(options)), writer_(std::move(writer_db)) {}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() { writer_.close(); }

SqliteStore::ReadLease::~ReadLease() {
  std::lock_guard lock(store_.readers_mutex_);
  store_.idle_readers_.push_back(std::move(db_));
}

core::Result<std::unique_ptr<SqliteStore::ReadLease>> SqliteStore::read() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return std::make_unique<ReadLease>(*this, std::move(db));
    }
  }
  auto db = Database::open(options_.path, options_.synchronous);
  if (!db) return db.error();
  return std::make_unique<ReadLease>(*this, std::move(db).value());
}

core::Status SqliteStore::create_user(const UserRecord& user) {
  return writer_.run([&](Database& db) -> core::Status {
    auto insert = db.prepare("INSERT INTO users(name, password_hash, created_at) VALUES(?1, ?2, ?3)");
    if (!insert) return insert.error();
    auto status = insert->bind(1, user.name).bind(2, user.password_hash).bind(3, user.created_at).run();
    if (!status && status.error().kind == core::ErrorKind::conflict) {
      return core::conflict("user " + user.name + " exists");
    }
    return status;
  });
}

core::Result<std::optional<UserRecord>> SqliteStore::find_user(const std::string& name) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT name, password_hash, created_at FROM users WHERE name = ?1");
  if (!select) return select.error();
  select->bind(1, name);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<UserRecord>{};
  return std::optional<UserRecord>(UserRecord{select->column_text(0), select->column_text(1), select->column_int(2)});
}

}  // namespace herald::store::sqlite
