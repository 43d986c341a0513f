// Stored alerts on SQLite.
#include "store/alert_query_sql.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

namespace {

void bind_alert_params(Statement& statement, const std::vector<SqlParam>& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (const auto* number = std::get_if<std::int64_t>(&params[i])) {
      statement.bind(index, *number);
    } else {
      statement.bind(index, std::get<std::string>(params[i]));
    }
  }
}

}  // namespace

core::Status SqliteStore::store_alerts(const std::vector<StoredAlert>& alerts) {
  if (alerts.empty()) return core::ok_status();
  return writer_.run([&](Database& db) -> core::Status {
    auto insert = db.prepare(
        "INSERT INTO alert(id, time_ms, level, rule_id, agent_id, groups, description, full_log, json) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(id) DO NOTHING");
    if (!insert) return insert.error();
    for (const auto& alert : alerts) {
      insert->bind(1, alert.id)
          .bind(2, alert.time_ms)
          .bind(3, static_cast<std::int64_t>(alert.level))
          .bind(4, alert.rule_id)
          .bind(5, alert.agent_id)
          .bind(6, alert.groups)
          .bind(7, alert.description)
          .bind(8, alert.full_log)
          .bind(9, alert.json);
      if (auto s = insert->run(); !s) return s;
      insert->reset();
    }
    return core::ok_status();
  });
}

core::Result<Page<StoredAlert>> SqliteStore::query_alerts(const AlertQuery& query) {
  // SQLite's LIKE already ignores ASCII case.
  auto sql = compile_alert_query(query, [](std::size_t n) { return "?" + std::to_string(n); }, "LIKE");
  auto lease = read();
  if (!lease) return lease.error();
  Page<StoredAlert> page;
  auto count = (**lease)->prepare_once("SELECT count(*) FROM alert WHERE " + sql.where);
  if (!count) return count.error();
  bind_alert_params(*count, sql.params);
  if (auto row = count->step(); !row) return row.error();
  page.total = count->column_int(0);
  const auto limit_index = sql.params.size() + 1;
  auto select = (**lease)->prepare_once(std::string("SELECT ") + kAlertColumns + " FROM alert WHERE " + sql.page_where +
                                        " ORDER BY " + sql.order_by + " LIMIT ?" + std::to_string(limit_index) +
                                        " OFFSET ?" + std::to_string(limit_index + 1));
  if (!select) return select.error();
  bind_alert_params(*select, sql.params);
  select->bind(static_cast<int>(limit_index), query.limit).bind(static_cast<int>(limit_index + 1), query.offset);
  while (true) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    page.items.push_back({select->column_text(0), select->column_int(1), static_cast<int>(select->column_int(2)),
                          select->column_int(3), select->column_text(4), select->column_text(5),
                          select->column_text(6), select->column_text(7), select->column_text(8)});
  }
  return page;
}

core::Result<std::int64_t> SqliteStore::delete_alerts_before(std::int64_t cutoff_ms, std::int64_t limit) {
  std::int64_t deleted = 0;
  auto written = writer_.run([&](Database& db) -> core::Status {
    auto remove = db.prepare(
        "DELETE FROM alert WHERE id IN (SELECT id FROM alert WHERE time_ms < ?1 ORDER BY time_ms LIMIT ?2)");
    if (!remove) return remove.error();
    if (auto s = remove->bind(1, cutoff_ms).bind(2, limit).run(); !s) return s;
    deleted = db.changes();
    return core::ok_status();
  });
  if (!written) return written.error();
  return deleted;
}

}  // namespace herald::store::sqlite
