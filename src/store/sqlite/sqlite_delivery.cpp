// Delivery and results on SQLite: pending orders per target, pending -> sent, agent results.
#include <algorithm>
#include <memory>
#include <string>

#include "store/sqlite/order_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

core::Result<std::vector<core::Order>> SqliteStore::pending_orders_for(const DeliveryTarget& target,
                                                                       std::int64_t limit) {
  auto lease = read();
  if (!lease) return lease.error();
  const std::string where = target.kind == DeliveryTarget::Kind::agent
                                ? " WHERE agent_id = ?1 AND status = 'pending'"
                                : " WHERE agent_id IS NULL AND target_type = 'server' AND target_id = ?1 COLLATE NOCASE"
                                  " AND status = 'pending'";
  auto select = (**lease)->prepare(std::string("SELECT ") + kOrderColumns + " FROM orders" + where +
                                   " ORDER BY request_id, order_id LIMIT ?2");
  if (!select) return select.error();
  select->bind(1, target.id).bind(2, limit);
  return read_orders(*select);
}

core::Result<std::vector<std::string>> SqliteStore::agents_with_pending_orders(
    const std::vector<std::string>& agent_ids) {
  auto lease = read();
  if (!lease) return lease.error();
  auto probe = (**lease)->prepare("SELECT 1 FROM orders WHERE agent_id = ?1 AND status = 'pending' LIMIT 1");
  if (!probe) return probe.error();
  std::vector<std::string> ids;
  for (const auto& id : agent_ids) {
    probe->bind(1, id);
    auto found = probe->step();
    if (!found) return found.error();
    if (*found) ids.push_back(id);
    probe->reset();
  }
  return ids;
}

core::Result<std::vector<core::OrderKey>> SqliteStore::mark_orders_sent(const std::vector<core::OrderKey>& keys,
                                                                      std::int64_t now) {
  std::vector<core::OrderKey> moved;
  auto status = writer_.run([&](Database& db) -> core::Status {
    moved.clear();
    auto update = db.prepare(
        "UPDATE orders SET status = 'sent', updated_at = ?3 "
        "WHERE request_id = ?1 AND order_id = ?2 AND status = 'pending'");
    if (!update) return update.error();
    for (const auto& key : keys) {
      if (auto s = update->bind(1, key.request_id).bind(2, key.order_id).bind(3, now).run(); !s) return s;
      if (db.changes() > 0) moved.push_back(key);
      update->reset();
    }
    return core::ok_status();
  });
  if (!status) return status.error();
  std::sort(moved.begin(), moved.end());
  return moved;
}

core::Status SqliteStore::return_orders_to_pending(const std::vector<core::OrderKey>& keys, std::int64_t now) {
  return writer_.run([&](Database& db) -> core::Status {
    auto update = db.prepare(
        "UPDATE orders SET status = 'pending', updated_at = ?3 "
        "WHERE request_id = ?1 AND order_id = ?2 AND status = 'sent'");
    if (!update) return update.error();
    for (const auto& key : keys) {
      if (auto s = update->bind(1, key.request_id).bind(2, key.order_id).bind(3, now).run(); !s) return s;
      update->reset();
    }
    return core::ok_status();
  });
}

namespace {

core::Result<ResultOutcome> apply_one(Database& db, const ResultReport& report, std::int64_t now) {
  auto select = db.prepare(
      "SELECT agent_id, status, result_code, result_message FROM orders WHERE request_id = ?1 AND order_id = ?2");
  if (!select) return select.error();
  select->bind(1, report.key.request_id).bind(2, report.key.order_id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return ResultOutcome::not_found;
  auto owner = select->column_optional_text(0);
  auto status = core::parse_order_status(select->column_text(1)).value_or(core::OrderStatus::pending);
  auto code = select->column_optional_int(2);
  auto message = select->column_text(3);
  if (owner != report.reporter_agent_id) return ResultOutcome::wrong_target;

  const auto next = core::status_for_result_code(report.result.code);
  const bool same_result = code == report.result.code && message == report.result.message;
  if (core::is_terminal(status)) return same_result ? ResultOutcome::unchanged : ResultOutcome::already_final;
  if (same_result && status == next) return ResultOutcome::unchanged;

  auto update = db.prepare(
      "UPDATE orders SET status = ?3, result_code = ?4, result_message = ?5, result_data = ?6, "
      "agent_metadata = coalesce(?7, agent_metadata), updated_at = ?8 WHERE request_id = ?1 AND order_id = ?2");
  if (!update) return update.error();
  auto s = update->bind(1, report.key.request_id)
               .bind(2, report.key.order_id)
               .bind(3, core::to_string(next))
               .bind(4, report.result.code)
               .bind(5, report.result.message)
               .bind(6, report.result.data_json)
               .bind(7, report.agent_metadata_json)
               .bind(8, now)
               .run();
  if (!s) return s.error();
  return ResultOutcome::applied;
}

// The results job, run by the writer: one report after the other, so a report sees what the
// ones before it did to its order.
core::Status apply_all(Database& db, const std::vector<ResultReport>& reports, std::int64_t now,
                       std::vector<ResultOutcome>& outcomes) {
  outcomes.clear();
  outcomes.reserve(reports.size());
  for (const auto& report : reports) {
    auto outcome = apply_one(db, report, now);
    if (!outcome) return outcome.error();
    outcomes.push_back(*outcome);
  }
  return core::ok_status();
}

}  // namespace

core::Result<std::vector<ResultOutcome>> SqliteStore::apply_results(const std::vector<ResultReport>& reports,
                                                                    std::int64_t now) {
  std::vector<ResultOutcome> outcomes;
  auto status = writer_.run([&](Database& db) { return apply_all(db, reports, now, outcomes); });
  if (!status) return status.error();
  return outcomes;
}

void SqliteStore::apply_results_async(const std::vector<ResultReport>& reports, std::int64_t now,
                                      StoreCompletion<std::vector<ResultOutcome>> done) {
  auto outcomes = std::make_shared<std::vector<ResultOutcome>>();
  writer_.submit([&reports, now, outcomes](Database& db) { return apply_all(db, reports, now, *outcomes); },
                 [outcomes, done = std::move(done)](core::Status status) {
                   if (!status) return done(status.error());
                   done(std::move(*outcomes));
                 });
}

}  // namespace herald::store::sqlite
