#include "store/sqlite/startup_check.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <regex>
#include <vector>

namespace herald::store::sqlite {

namespace {

using Connection = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;

struct Rows {
  std::vector<std::string> values;  // the first column of each row
  int code = SQLITE_OK;             // the step or prepare that failed, if one did
  std::string error;
};

Rows first_column(sqlite3* db, const std::string& sql, std::size_t limit = 50) {
  Rows rows;
  sqlite3_stmt* stmt = nullptr;
  rows.code = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rows.code == SQLITE_OK) {
    while ((rows.code = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (rows.values.size() < limit) {
        const auto* text = sqlite3_column_text(stmt, 0);
        rows.values.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
      }
    }
    if (rows.code == SQLITE_DONE) rows.code = SQLITE_OK;
  }
  if (rows.code != SQLITE_OK) rows.error = sqlite3_errmsg(db);
  sqlite3_finalize(stmt);
  return rows;
}

std::string join(const std::vector<std::string>& values, std::size_t at_most) {
  std::string out;
  for (std::size_t i = 0; i < values.size() && i < at_most; ++i) out += (i == 0 ? "" : "; ") + values[i];
  if (values.size() > at_most) out += "; ... (" + std::to_string(values.size() - at_most) + " more)";
  return out;
}

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

std::string reindex_advice(const std::string& path) {
  return "only indexes are damaged: with heraldd stopped, run  sqlite3 " + quoted(path) +
         " 'REINDEX;'  then start heraldd again (README: \"Recovering a damaged database\")";
}

std::string dump_advice(const std::string& path) {
  return "with heraldd stopped, copy what is readable into a new file:  sqlite3 " + quoted(path) +
         " .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | sqlite3 " + quoted(path + ".recovered") +
         "  then move the damaged file (and its -wal, -shm) aside and the .recovered file into its place "
         "(README: \"Recovering a damaged database\"); rows on unreadable pages are lost";
}

core::Error corrupt(const std::string& path, const std::string& detail, bool only_indexes) {
  return core::internal_error("SQLite database " + path + " is corrupt (" + detail + "); " +
                              (only_indexes ? reindex_advice(path) : dump_advice(path)));
}

// integrity_check reports an index that disagrees with its table in these words; anything else
// (page structure, table records) is damage that REINDEX cannot repair.
bool index_only(const std::vector<std::string>& problems) {
  static const std::regex index_problem(
      R"(^(row \d+ missing from index|wrong # of entries in index|non-unique entry in index) \S+$)");
  for (const auto& problem : problems) {
    if (!std::regex_match(problem, index_problem)) return false;
  }
  return !problems.empty();
}

core::Status inspect(sqlite3* db, const std::string& path, StartupCheck check, std::int64_t size) {
  auto tables = first_column(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", 1000);
  if ((tables.code & 0xff) == SQLITE_NOTADB) {
    return core::internal_error(path + " is not a SQLite database (or its header is damaged): " + tables.error +
                                "; heraldd leaves it alone. Point storage.path at another file, or restore it");
  }
  if ((tables.code & 0xff) == SQLITE_CORRUPT) return corrupt(path, tables.error, false);
  if (tables.code != SQLITE_OK) return core::unavailable("cannot read SQLite database " + path + ": " + tables.error);
  if (tables.values.empty()) return core::ok_status();  // an empty database: heraldd creates its schema

  auto version = first_column(db, "SELECT value FROM metadata WHERE key = 'schema_version'");
  if (version.code != SQLITE_OK || version.values.empty()) {
    return core::internal_error(path + " is not a Herald database: it holds the tables " + join(tables.values, 8) +
                                " and no Herald schema version; heraldd leaves it alone. Point storage.path at "
                                "another file");
  }

  if (check == StartupCheck::off) return core::ok_status();
  const bool full = check == StartupCheck::full || (check == StartupCheck::automatic && size <= kFullCheckMaxBytes);
  const std::string pragma = full ? "integrity_check" : "quick_check";
  // A larger cache than the default 2 MiB: the check reads every page once, indexes again.
  (void)first_column(db, "PRAGMA cache_size = -65536");
  const auto started = std::chrono::steady_clock::now();
  auto problems = first_column(db, "PRAGMA " + pragma + "(50)");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  spdlog::info("storage: {} of {} ({:.1f} MiB) took {} ms", pragma, path, static_cast<double>(size) / (1 << 20),
               took.count());
  if (problems.code == SQLITE_OK && problems.values.size() == 1 && problems.values[0] == "ok") {
    return core::ok_status();
  }
  auto found = problems.values;
  if (problems.code != SQLITE_OK) found.push_back(problems.error);
  return corrupt(path, pragma + ": " + join(found, 5), problems.code == SQLITE_OK && index_only(found));
}

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

}  // namespace

core::Result<StartupCheck> parse_startup_check(const std::string& value) {
  if (value == "auto") return StartupCheck::automatic;
  if (value == "full") return StartupCheck::full;
  if (value == "quick") return StartupCheck::quick;
  if (value == "off") return StartupCheck::off;
  return core::invalid_argument("storage.startup_check must be auto, full, quick or off");
}

core::Status check_existing_database(const std::string& path, StartupCheck check) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return core::ok_status();  // a fresh database
  if (!S_ISREG(info.st_mode)) return core::unavailable("storage.path " + path + " is not a regular file");
  if (info.st_size == 0) return core::ok_status();
  if (::access(path.c_str(), R_OK | W_OK) != 0) {
    return core::unavailable("cannot open SQLite database " + path +
                             " for reading and writing: " + std::strerror(errno));
  }

  // A read-only connection on a WAL database creates an empty -wal and a -shm when there were
  // none; remove what it created so that a refused file is left exactly as found.
  const std::string wal = path + "-wal", shm = path + "-shm";
  const bool had_wal = exists(wal), had_shm = exists(shm);
  core::Status status = core::ok_status();
  {
    sqlite3* handle = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    Connection db(handle, &sqlite3_close);
    if (rc != SQLITE_OK) return core::unavailable("cannot open SQLite database " + path + ": " + sqlite3_errstr(rc));
    sqlite3_extended_result_codes(handle, 1);
    status = inspect(handle, path, check, static_cast<std::int64_t>(info.st_size));
  }
  struct stat wal_info {};
  if (!had_wal && ::stat(wal.c_str(), &wal_info) == 0 && wal_info.st_size == 0) {
    ::unlink(wal.c_str());
    if (!had_shm) ::unlink(shm.c_str());
  }
  return status;
}

}  // namespace herald::store::sqlite
