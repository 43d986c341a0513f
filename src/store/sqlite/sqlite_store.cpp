#include "store/sqlite/sqlite_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/sqlite/schema.h"

namespace herald::store::sqlite {

core::Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options) {
  std::error_code ec;
  auto parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return core::unavailable("cannot create directory " + parent.string() + ": " + ec.message());

  if (auto checked = check_existing_database(options.path, options.startup_check); !checked) return checked.error();
  // They hold password and key hashes and every order. SQLite gives a new -wal and -shm the mode
  // of the database file, so a file an older heraldd left 0644 is tightened before it is opened.
  for (const auto& file : {options.path, options.path + "-wal", options.path + "-shm"}) {
    struct stat info {};
    if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 077) != 0 && ::chmod(file.c_str(), 0600) != 0) {
      return core::unavailable("cannot make " + file + " private (chmod 0600): " + std::strerror(errno));
    }
  }
  auto db = Database::open(options.path, options.synchronous);
  if (!db) return db.error();
  if ((*db)->read_only()) {
    return core::unavailable("SQLite database " + options.path +
                             " can only be opened read-only: is its file system "
                             "read-only?");
  }
  if (auto status = migrate(**db); !status) {
    return core::Error{status.error().kind, "SQLite database " + options.path + ": " + status.error().message};
  }
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

core::Result<StoreHealth> SqliteStore::health() {
  auto user = find_user("admin");
  if (!user) return user.error();
  if (!writer_.disk_full()) return StoreHealth{};
  std::lock_guard lock(probe_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_probe_ >= std::chrono::seconds(1)) {
    last_probe_ = now;
    // Rewrites one row as it is: it needs a new page in the WAL, so it fails while the disk is full.
    auto probe = writer_.run([](Database& db) -> core::Status {
      auto update = db.prepare("UPDATE metadata SET value = value WHERE key = 'schema_version'");
      if (!update) return update.error();
      return update->run();
    });
    probe_failure_ = probe ? "" : probe.error().message;
  }
  if (!writer_.disk_full()) return StoreHealth{};
  return StoreHealth{true, probe_failure_.empty() ? "disk is full: writes fail until space is freed" : probe_failure_};
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
