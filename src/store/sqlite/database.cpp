#include "store/sqlite/database.h"

#include <sys/statvfs.h>
#include <unistd.h>

namespace herald::store::sqlite {

Statement::~Statement() {
  if (stmt_ != nullptr && owned_) {
    sqlite3_finalize(stmt_);
  } else if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

core::Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error("step");
}

core::Status Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) return more.error();
    if (!*more) return core::ok_status();
  }
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::optional<std::int64_t> Statement::column_optional_int(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

std::optional<std::string> Statement::column_optional_text(int index) const {
  if (sqlite3_column_type(stmt_, index) == SQLITE_NULL) return std::nullopt;
  return column_text(index);
}

core::Result<std::unique_ptr<Database>> Database::open(const std::string& path, std::string_view synchronous) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  std::unique_ptr<Database> db(new Database(handle));
  if (rc != SQLITE_OK) {
    return core::unavailable("cannot open SQLite database " + path + ": " + sqlite3_errstr(rc));
  }
  sqlite3_busy_timeout(handle, 10'000);
  sqlite3_extended_result_codes(handle, 1);
  for (std::string pragma : {std::string("PRAGMA journal_mode=WAL"), "PRAGMA synchronous=" + std::string(synchronous),
                             std::string("PRAGMA foreign_keys=ON"), std::string("PRAGMA cache_size=-65536"),
                             std::string("PRAGMA temp_store=MEMORY")}) {
    if (auto status = db->exec(pragma); !status) {
      return core::Error{status.error().kind, "SQLite database " + path + ": " + status.error().message};
    }
  }
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

core::Status Database::exec(std::string_view sql) {
  char* message = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);  // the same text as sqlite3_errmsg(), which error() reads
    auto failure = error("exec");
    failure.message += " in: " + text.substr(0, 120);
    return failure;
  }
  return core::ok_status();
}

core::Result<Statement> Database::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
      return error("prepare");
    }
    it = cache_.emplace(std::move(key), stmt).first;
  }
  return Statement(it->second, *this);
}

core::Result<Statement> Database::prepare_once(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK) {
    auto failure = error("prepare");
    sqlite3_finalize(stmt);
    return failure;
  }
  return Statement(stmt, *this, true);
}

core::Error Database::error(std::string_view context) const {
  int code = sqlite3_extended_errcode(db_);
  std::string message = "SQLite " + std::string(context) + ": " + sqlite3_errmsg(db_);
  if ((code & 0xff) == SQLITE_CONSTRAINT) return core::conflict(message);
  if ((code & 0xff) == SQLITE_FULL) {
    // Said plainly, because the operator's fix is to free space (writes resume by themselves).
    disk_full_seen_ = true;
    return core::unavailable("disk is full: cannot write the database (" + message + ")");
  }
  if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_IOERR) {
    return core::unavailable(message);
  }
  return core::internal_error(message);
}

std::optional<std::int64_t> Database::free_disk_bytes() const {
  const char* file = sqlite3_db_filename(db_, "main");
  struct statvfs info {};
  if (file == nullptr || *file == '\0' || ::statvfs(file, &info) != 0) return std::nullopt;
  // Root may also write into the blocks reserved for it, as SQLite running as root does.
  const auto blocks = ::geteuid() == 0 ? info.f_bfree : info.f_bavail;
  return static_cast<std::int64_t>(blocks) * static_cast<std::int64_t>(info.f_frsize);
}

}  // namespace herald::store::sqlite
