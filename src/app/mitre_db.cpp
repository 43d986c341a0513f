#include "app/mitre_db.h"

#include <sqlite3.h>

#include <map>
#include <vector>

namespace herald::app {

namespace {

// One read-only connection, closed on every path.
class Connection {
 public:
  ~Connection() { sqlite3_close(handle_); }
  sqlite3* handle_ = nullptr;
};

class Statement {
 public:
  ~Statement() { sqlite3_finalize(handle_); }
  sqlite3_stmt* handle_ = nullptr;
};

std::string text_column(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

// Runs `sql` and hands each row to `row`; the error is SQLite's message.
template <class Row>
core::Status each_row(sqlite3* db, const char* sql, Row row) {
  Statement statement;
  if (sqlite3_prepare_v2(db, sql, -1, &statement.handle_, nullptr) != SQLITE_OK) {
    return core::invalid_argument(sqlite3_errmsg(db));
  }
  int rc;
  while ((rc = sqlite3_step(statement.handle_)) == SQLITE_ROW) row(statement.handle_);
  if (rc != SQLITE_DONE) return core::invalid_argument(sqlite3_errmsg(db));
  return core::ok_status();
}

constexpr const char* kTechniques =
    "SELECT technique.id, technique.name, reference.external_id FROM technique "
    "JOIN reference ON technique.id = reference.id "
    "WHERE technique.revoked_by IS NULL AND NOT technique.deprecated AND reference.source = 'mitre-attack'";
constexpr const char* kTactics =
    "SELECT tactic.id, tactic.name, reference.external_id FROM tactic "
    "JOIN reference ON tactic.id = reference.id WHERE reference.source = 'mitre-attack'";
constexpr const char* kPhases = "SELECT tech_id, tactic_id FROM phase";

}  // namespace

core::Result<std::shared_ptr<const analysis::MitreCatalog>> load_mitre_db(const std::string& path) {
  auto failed = [&](const std::string& what) {
    return core::invalid_argument("analysis.mitre_db " + path + ": " + what);
  };
  Connection db;
  if (sqlite3_open_v2(path.c_str(), &db.handle_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    return failed(db.handle_ != nullptr ? sqlite3_errmsg(db.handle_) : "cannot be opened");
  }
  std::map<std::string, analysis::MitreTactic> tactics;  // by internal id
  auto read_tactics = each_row(db.handle_, kTactics, [&](sqlite3_stmt* row) {
    tactics[text_column(row, 0)] = analysis::MitreTactic{text_column(row, 2), text_column(row, 1)};
  });
  if (!read_tactics) return failed("not a MITRE database (" + read_tactics.error().message + ")");
  std::multimap<std::string, std::string> phases;  // technique internal id -> tactic internal id
  auto read_phases = each_row(db.handle_, kPhases, [&](sqlite3_stmt* row) {
    phases.emplace(text_column(row, 0), text_column(row, 1));
  });
  if (!read_phases) return failed("not a MITRE database (" + read_phases.error().message + ")");
  std::vector<analysis::MitreTechniqueEntry> techniques;
  auto read_techniques = each_row(db.handle_, kTechniques, [&](sqlite3_stmt* row) {
    const std::string internal = text_column(row, 0);
    analysis::MitreTechniqueEntry entry{text_column(row, 2), text_column(row, 1), {}};
    auto [first, last] = phases.equal_range(internal);
    for (auto it = first; it != last; ++it) {
      if (auto tactic = tactics.find(it->second); tactic != tactics.end()) entry.tactics.push_back(tactic->second);
    }
    techniques.push_back(std::move(entry));
  });
  if (!read_techniques) return failed("not a MITRE database (" + read_techniques.error().message + ")");
  if (techniques.empty()) return failed("holds no MITRE ATT&CK techniques");
  return std::shared_ptr<const analysis::MitreCatalog>(std::make_shared<analysis::MitreCatalog>(std::move(techniques)));
}

}  // namespace herald::app
