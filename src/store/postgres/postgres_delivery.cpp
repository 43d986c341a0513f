// Delivery and results on PostgreSQL: pending orders per target, pending -> sent, results.
#include <algorithm>
#include <memory>
#include <string>

#include "store/postgres/order_rows.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

// The keys as two parallel bigint arrays, for `unnest($1::bigint[], $2::bigint[])`.
Params key_arrays(const std::vector<core::OrderKey>& keys) {
  std::vector<std::int64_t> requests, orders;
  requests.reserve(keys.size());
  orders.reserve(keys.size());
  for (const auto& key : keys) {
    requests.push_back(key.request_id);
    orders.push_back(key.order_id);
  }
  return Params(int_array(requests), int_array(orders));
}

core::Result<ResultOutcome> apply_one(Connection& db, const ResultReport& report, std::int64_t now) {
  auto rows = db.query(
      "SELECT agent_id, status, result_code, result_message FROM orders WHERE request_id = $1 AND order_id = $2",
      Params(report.key.request_id, report.key.order_id));
  if (!rows) return rows.error();
  if (rows->empty()) return ResultOutcome::not_found;
  auto owner = rows->optional_text(0, 0);
  auto status = core::parse_order_status(rows->text(0, 1)).value_or(core::OrderStatus::pending);
  auto code = rows->optional_integer(0, 2);
  auto message = rows->text(0, 3);
  if (owner != report.reporter_agent_id) return ResultOutcome::wrong_target;

  const auto next = core::status_for_result_code(report.result.code);
  const bool same_result = code == report.result.code && message == report.result.message;
  if (core::is_terminal(status)) return same_result ? ResultOutcome::unchanged : ResultOutcome::already_final;
  if (same_result && status == next) return ResultOutcome::unchanged;

  Params params(report.key.request_id, report.key.order_id, core::to_string(next), report.result.code,
                report.result.message);
  params.add(report.result.data_json).add(report.agent_metadata_json).add(now);
  auto updated = db.query(
      "UPDATE orders SET status = $3, result_code = $4, result_message = $5, result_data = $6, "
      "agent_metadata = coalesce($7, agent_metadata), updated_at = $8 WHERE request_id = $1 AND order_id = $2",
      params);
  if (!updated) return updated.error();
  return ResultOutcome::applied;
}

Params report_key_arrays(const std::vector<ResultReport>& reports) {
  std::vector<core::OrderKey> keys;
  keys.reserve(reports.size());
  for (const auto& report : reports) keys.push_back(report.key);
  return key_arrays(keys);
}

// The results job, run by the writer (again from the start when it lost a deadlock): one report
// after the other, so a report sees what the ones before it did to its order.
core::Status apply_all(Connection& db, const std::vector<ResultReport>& reports, const Params& key_params,
                       std::int64_t now, std::vector<ResultOutcome>& outcomes) {
  outcomes.clear();
  // Lock every reported order first, in key order: the checks below then see rows no other
  // node can change before this transaction commits, and nodes never wait on each other in a
  // cycle.
  auto locked = db.query(
      "SELECT 1 FROM orders WHERE (request_id, order_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) "
      "ORDER BY request_id, order_id FOR UPDATE",
      key_params);
  if (!locked) return locked.error();
  outcomes.reserve(reports.size());
  for (const auto& report : reports) {
    auto outcome = apply_one(db, report, now);
    if (!outcome) return outcome.error();
    outcomes.push_back(*outcome);
  }
  return core::ok_status();
}

}  // namespace

core::Result<std::vector<core::Order>> PostgresStore::pending_orders_for(const DeliveryTarget& target,
                                                                         std::int64_t limit) {
  const std::string where =
      target.kind == DeliveryTarget::Kind::agent
          ? " WHERE agent_id = $1 AND status = 'pending'"
          // Spelled as orders_server_pending is indexed: lower(target_id), agent_id IS NULL, pending.
          : " WHERE agent_id IS NULL AND target_type = 'server' AND lower(target_id) = lower($1) AND status = "
            "'pending'";
  return readers_.run([&](Connection& db) -> core::Result<std::vector<core::Order>> {
    auto rows = db.query(
        std::string("SELECT ") + kOrderColumns + " FROM orders" + where + " ORDER BY request_id, order_id LIMIT $2",
        Params(target.id, limit));
    if (!rows) return rows.error();
    return read_orders(*rows);
  });
}

core::Result<std::vector<std::string>> PostgresStore::agents_with_pending_orders(
    const std::vector<std::string>& agent_ids) {
  if (agent_ids.empty()) return std::vector<std::string>{};
  return readers_.run([&](Connection& db) -> core::Result<std::vector<std::string>> {
    // One probe of orders_by_agent per id.
    auto rows = db.query(
        "SELECT id FROM unnest($1::text[]) AS parked(id) "
        "WHERE EXISTS (SELECT 1 FROM orders WHERE agent_id = parked.id AND status = 'pending')",
        Params(text_array(agent_ids)));
    if (!rows) return rows.error();
    std::vector<std::string> ids;
    for (int row = 0; row < rows->size(); ++row) ids.push_back(rows->text(row, 0));
    return ids;
  });
}

core::Result<std::vector<core::OrderKey>> PostgresStore::mark_orders_sent(const std::vector<core::OrderKey>& keys,
                                                                        std::int64_t now) {
  std::vector<core::OrderKey> moved;
  if (keys.empty()) return moved;
  auto params = key_arrays(keys);
  params.add(now);
  auto status = writer_.run([&](Connection& db) -> core::Status {
    moved.clear();  // a retried job starts over
    // Only pending orders move, whichever node asks: a result (or an expiry) that got there
    // first is never overwritten, and of two nodes claiming an order one wins. Rows are locked in
    // key order so that two nodes updating overlapping orders cannot deadlock.
    auto rows = db.query(
        "UPDATE orders o SET status = 'sent', updated_at = $3 "
        "FROM (SELECT request_id, order_id FROM orders "
        "      WHERE (request_id, order_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) "
        "        AND status = 'pending' ORDER BY request_id, order_id FOR UPDATE) AS claimed "
        "WHERE o.request_id = claimed.request_id AND o.order_id = claimed.order_id AND o.status = 'pending' "
        "RETURNING o.request_id, o.order_id",
        params);
    if (!rows) return rows.error();
    for (int row = 0; row < rows->size(); ++row) moved.push_back({rows->integer(row, 0), rows->integer(row, 1)});
    return core::ok_status();
  });
  if (!status) return status.error();
  std::sort(moved.begin(), moved.end());
  return moved;
}

core::Status PostgresStore::return_orders_to_pending(const std::vector<core::OrderKey>& keys, std::int64_t now) {
  if (keys.empty()) return core::ok_status();
  auto params = key_arrays(keys);
  params.add(now);
  return writer_.run([&](Connection& db) -> core::Status {
    return status_of(
        db.query("UPDATE orders o SET status = 'pending', updated_at = $3 "
                 "FROM (SELECT request_id, order_id FROM orders "
                 "      WHERE (request_id, order_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[])) "
                 "        AND status = 'sent' ORDER BY request_id, order_id FOR UPDATE) AS returned "
                 "WHERE o.request_id = returned.request_id AND o.order_id = returned.order_id AND o.status = 'sent'",
                 params));
  });
}

core::Result<std::vector<ResultOutcome>> PostgresStore::apply_results(const std::vector<ResultReport>& reports,
                                                                      std::int64_t now) {
  const auto keys = report_key_arrays(reports);
  std::vector<ResultOutcome> outcomes;
  auto status = writer_.run([&](Connection& db) { return apply_all(db, reports, keys, now, outcomes); });
  if (!status) return status.error();
  return outcomes;
}

void PostgresStore::apply_results_async(const std::vector<ResultReport>& reports, std::int64_t now,
                                        StoreCompletion<std::vector<ResultOutcome>> done) {
  struct State {
    Params keys;
    std::vector<ResultOutcome> outcomes;
  };
  auto state = std::make_shared<State>(State{report_key_arrays(reports), {}});
  writer_.submit(
      [&reports, now, state](Connection& db) { return apply_all(db, reports, state->keys, now, state->outcomes); },
      [state, done = std::move(done)](core::Status status) {
        if (!status) return done(status.error());
        done(std::move(state->outcomes));
      });
}

}  // namespace herald::store::postgres
