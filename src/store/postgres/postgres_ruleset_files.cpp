// Custom ruleset files on PostgreSQL.
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

// Bumps the version inside the caller's write; the row lock orders concurrent writers.
core::Result<std::int64_t> bump_version(Connection& db) {
  auto rows = db.query("UPDATE ruleset_version SET version = version + 1 WHERE singleton = 1 RETURNING version");
  if (!rows) return rows.error();
  if (rows->empty()) return core::internal_error("ruleset_version row is missing");
  return rows->integer(0, 0);
}

}  // namespace

core::Result<std::int64_t> PostgresStore::ruleset_files_version() {
  return readers_.run([&](Connection& db) -> core::Result<std::int64_t> {
    auto rows = db.query("SELECT version FROM ruleset_version WHERE singleton = 1");
    if (!rows) return rows.error();
    return rows->empty() ? 0 : rows->integer(0, 0);
  });
}

core::Result<RulesetFiles> PostgresStore::ruleset_files() {
  return readers_.run([&](Connection& db) -> core::Result<RulesetFiles> {
    RulesetFiles out;
    auto version = db.query("SELECT version FROM ruleset_version WHERE singleton = 1");
    if (!version) return version.error();
    out.version = version->empty() ? 0 : version->integer(0, 0);
    auto rows = db.query("SELECT kind, name, content FROM ruleset_file ORDER BY kind, name");
    if (!rows) return rows.error();
    for (int row = 0; row < rows->size(); ++row) {
      out.files.push_back({rows->text(row, 0), rows->text(row, 1), rows->text(row, 2)});
    }
    return out;
  });
}

core::Result<std::int64_t> PostgresStore::put_ruleset_file(const RulesetFileRecord& file) {
  std::int64_t version = 0;
  auto written = writer_.run([&](Connection& db) -> core::Status {
    auto upserted = db.query(
        "INSERT INTO ruleset_file(kind, name, content) VALUES($1, $2, $3) "
        "ON CONFLICT(kind, name) DO UPDATE SET content = excluded.content",
        Params(file.kind, file.name, file.content));
    if (!upserted) return upserted.error();
    auto bumped = bump_version(db);
    if (!bumped) return bumped.error();
    version = *bumped;
    return core::ok_status();
  });
  if (!written) return written.error();
  return version;
}

core::Result<std::int64_t> PostgresStore::delete_ruleset_file(const std::string& kind, const std::string& name) {
  std::int64_t version = 0;
  auto written = writer_.run([&](Connection& db) -> core::Status {
    auto deleted = db.query("DELETE FROM ruleset_file WHERE kind = $1 AND name = $2", Params(kind, name));
    if (!deleted) return deleted.error();
    if (deleted->affected() == 0) return core::not_found("The file " + name + " does not exist");
    auto bumped = bump_version(db);
    if (!bumped) return bumped.error();
    version = *bumped;
    return core::ok_status();
  });
  if (!written) return written.error();
  return version;
}

}  // namespace herald::store::postgres
