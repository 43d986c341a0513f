#pragma once
// A thin RAII layer over one sqlite3 connection: cached prepared statements, typed binds and
// columns, errors as core::Error. Not thread-safe: one connection belongs to one thread at a time.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/result.h"

namespace herald::store::sqlite {

class Database;

// A prepared statement borrowed from its connection's cache; reset when the borrow ends.
class Statement {
 public:
  // `owned`: finalized when this object ends (a one-off statement), else reset for reuse.
  Statement(sqlite3_stmt* stmt, Database& db, bool owned = false) : stmt_(stmt), db_(&db), owned_(owned) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), db_(other.db_), owned_(other.owned_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);

  // Steps once: true when a row is available, false when done. Errors become core::Error.
  core::Result<bool> step();
  // Makes the statement ready to be bound and run again (for loops over rows to insert).
  void reset();
  // Steps to completion (for statements without rows).
  core::Status run();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;
  std::optional<std::string> column_optional_text(int index) const;

 private:
  sqlite3_stmt* stmt_;
  Database* db_;
  bool owned_ = false;
};

class Database {
 public:
  // Opens (creating if needed) and applies the connection pragmas. `synchronous` is the SQLite
  // synchronous level for WAL ("FULL" survives power loss, "NORMAL" only process crashes).
  static core::Result<std::unique_ptr<Database>> open(const std::string& path, std::string_view synchronous);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  core::Status exec(std::string_view sql);
  core::Result<Statement> prepare(std::string_view sql);
  // For SQL built per call (agent queries): not cached, so the cache cannot grow without bound.
  core::Result<Statement> prepare_once(std::string_view sql);
  // The connection's last error as a core::Error. SQLITE_FULL becomes unavailable with a message
  // that says the disk is full, and is remembered for disk_full_seen().
  core::Error error(std::string_view context) const;
  // Whether error() met SQLITE_FULL since the last call; clears it.
  bool take_disk_full_seen() { return std::exchange(disk_full_seen_, false); }
  std::string filename() const {
    const char* name = sqlite3_db_filename(db_, "main");
    return name != nullptr ? name : "";
  }
  // Bytes free for this process on the database's file system; nullopt when it cannot be told.
  std::optional<std::int64_t> free_disk_bytes() const;
  // True when SQLite could only open the file read-only (e.g. a read-only file system).
  bool read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  mutable bool disk_full_seen_ = false;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace herald::store::sqlite
