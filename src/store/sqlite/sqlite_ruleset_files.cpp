// Custom ruleset files on SQLite.
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

namespace {

// Bumps the version inside the caller's write; returns the new one.
core::Result<std::int64_t> bump_version(Database& db) {
  auto update = db.prepare("UPDATE ruleset_version SET version = version + 1 WHERE singleton = 1 RETURNING version");
  if (!update) return update.error();
  auto row = update->step();
  if (!row) return row.error();
  if (!*row) return core::internal_error("ruleset_version row is missing");
  return update->column_int(0);
}

}  // namespace

core::Result<std::int64_t> SqliteStore::ruleset_files_version() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT version FROM ruleset_version WHERE singleton = 1");
  if (!select) return select.error();
  auto row = select->step();
  if (!row) return row.error();
  return *row ? select->column_int(0) : 0;
}

core::Result<RulesetFiles> SqliteStore::ruleset_files() {
  RulesetFiles out;
  auto version = ruleset_files_version();
  if (!version) return version.error();
  out.version = *version;
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT kind, name, content FROM ruleset_file ORDER BY kind, name");
  if (!select) return select.error();
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    out.files.push_back({select->column_text(0), select->column_text(1), select->column_text(2)});
  }
  return out;
}

core::Result<std::int64_t> SqliteStore::put_ruleset_file(const RulesetFileRecord& file) {
  std::int64_t version = 0;
  auto written = writer_.run([&](Database& db) -> core::Status {
    auto upsert = db.prepare(
        "INSERT INTO ruleset_file(kind, name, content) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(kind, name) DO UPDATE SET content = excluded.content");
    if (!upsert) return upsert.error();
    if (auto s = upsert->bind(1, file.kind).bind(2, file.name).bind(3, file.content).run(); !s) return s;
    auto bumped = bump_version(db);
    if (!bumped) return bumped.error();
    version = *bumped;
    return core::ok_status();
  });
  if (!written) return written.error();
  return version;
}

core::Result<std::int64_t> SqliteStore::delete_ruleset_file(const std::string& kind, const std::string& name) {
  std::int64_t version = 0;
  auto written = writer_.run([&](Database& db) -> core::Status {
    auto remove = db.prepare("DELETE FROM ruleset_file WHERE kind = ?1 AND name = ?2");
    if (!remove) return remove.error();
    if (auto s = remove->bind(1, kind).bind(2, name).run(); !s) return s;
    if (db.changes() == 0) return core::not_found("The file " + name + " does not exist");
    auto bumped = bump_version(db);
    if (!bumped) return bumped.error();
    version = *bumped;
    return core::ok_status();
  });
  if (!written) return written.error();
  return version;
}

}  // namespace herald::store::sqlite
