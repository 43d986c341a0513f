// Stored alerts on PostgreSQL.
#include "store/alert_query_sql.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

Params alert_params(const std::vector<SqlParam>& values) {
  Params params;
  for (const auto& value : values) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
      params.add(*number);
    } else {
      params.add(std::get<std::string>(value));
    }
  }
  return params;
}

}  // namespace

core::Status PostgresStore::store_alerts(const std::vector<StoredAlert>& alerts) {
  if (alerts.empty()) return core::ok_status();
  return writer_.run([&](Connection& db) -> core::Status {
    for (const auto& alert : alerts) {
      auto inserted = db.query(
          "INSERT INTO alert(id, time_ms, level, rule_id, agent_id, groups, description, full_log, json) "
          "VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT(id) DO NOTHING",
          Params(alert.id, alert.time_ms, static_cast<std::int64_t>(alert.level), alert.rule_id, alert.agent_id,
                 alert.groups, alert.description, alert.full_log, alert.json));
      if (!inserted) return inserted.error();
    }
    return core::ok_status();
  });
}

core::Result<Page<StoredAlert>> PostgresStore::query_alerts(const AlertQuery& query) {
  auto sql = compile_alert_query(query, [](std::size_t n) { return "$" + std::to_string(n); }, "ILIKE");
  const auto params = alert_params(sql.params);
  auto page_params = params;
  page_params.add(query.limit).add(query.offset);
  const auto limit_index = sql.params.size() + 1;
  const std::string select = std::string("SELECT ") + kAlertColumns + " FROM alert WHERE " + sql.page_where +
                             " ORDER BY " + sql.order_by + " LIMIT $" + std::to_string(limit_index) + " OFFSET $" +
                             std::to_string(limit_index + 1);
  return readers_.run([&](Connection& db) -> core::Result<Page<StoredAlert>> {
    Page<StoredAlert> page;
    auto count = db.query("SELECT count(*) FROM alert WHERE " + sql.where, params);
    if (!count) return count.error();
    page.total = count->integer(0, 0);
    auto rows = db.query(select, page_params);
    if (!rows) return rows.error();
    for (int row = 0; row < rows->size(); ++row) {
      page.items.push_back({rows->text(row, 0), rows->integer(row, 1), static_cast<int>(rows->integer(row, 2)),
                            rows->integer(row, 3), rows->text(row, 4), rows->text(row, 5), rows->text(row, 6),
                            rows->text(row, 7), rows->text(row, 8)});
    }
    return page;
  });
}

core::Result<std::int64_t> PostgresStore::delete_alerts_before(std::int64_t cutoff_ms, std::int64_t limit) {
  std::int64_t deleted = 0;
  auto written = writer_.run([&](Connection& db) -> core::Status {
    auto removed = db.query(
        "DELETE FROM alert WHERE id IN (SELECT id FROM alert WHERE time_ms < $1 ORDER BY time_ms LIMIT $2)",
        Params(cutoff_ms, limit));
    if (!removed) return removed.error();
    deleted = removed->affected();
    return core::ok_status();
  });
  if (!written) return written.error();
  return deleted;
}

}  // namespace herald::store::postgres
