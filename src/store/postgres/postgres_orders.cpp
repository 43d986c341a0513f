// The orders stream on PostgreSQL.
#include <memory>
#include <string>
#include <vector>

#include "store/postgres/order_rows.h"
#include "store/postgres/postgres_store.h"

namespace herald::store::postgres {

namespace {

std::string_view sort_column(OrderQuery::SortField field) {
  switch (field) {
    case OrderQuery::SortField::created_at:
      return "created_at";
    case OrderQuery::SortField::deadline:
      return "deadline";
    case OrderQuery::SortField::updated_at:
      return "updated_at";
    case OrderQuery::SortField::id:
      return "request_id";
  }
  return "request_id";
}

// Requests of up to this many orders are stored with one INSERT of array parameters (one round
// trip, request row included); larger ones stream through COPY, in chunks of about
// kCopyChunkBytes.
constexpr std::size_t kArraysUpTo = 1000;
constexpr std::size_t kCopyChunkBytes = 256 * 1024;

// One request row and its orders: the append job, run by the writer (again from the start when
// it lost a deadlock). Writes the keys into `orders`.
core::Status insert_request(Connection& db, std::vector<core::Order>& orders, std::int64_t& request_id) {
  const std::int64_t now = orders.empty() ? 0 : orders.front().created_at;
  const auto count = static_cast<std::int64_t>(orders.size());
  for (std::int64_t i = 0; i < count; ++i) orders[static_cast<std::size_t>(i)].key.order_id = i + 1;
  // The request id comes from the requests identity sequence, which every node draws from.
  if (orders.size() <= kArraysUpTo) {
    Params params(now, count);
    add_order_arrays(params, orders);
    auto request = db.query(kInsertRequestWithOrders, params);
    if (!request) return request.error();
    request_id = request->integer(0, 0);
    for (auto& order : orders) order.key.request_id = request_id;
    return core::ok_status();
  }
  auto request =
      db.query("INSERT INTO requests(created_at, order_count) VALUES($1, $2) RETURNING id", Params(now, count));
  if (!request) return request.error();
  request_id = request->integer(0, 0);
  for (auto& order : orders) order.key.request_id = request_id;
  // COPY streams every row through one statement, in chunks.
  std::size_t next = 0;
  return db.copy_in(std::string("COPY orders(") + kOrderCopyColumns + ") FROM STDIN", [&](std::string& buffer) {
    while (next < orders.size() && buffer.size() < kCopyChunkBytes) append_order_copy_row(buffer, orders[next++]);
    return next < orders.size();
  });
}

}  // namespace

core::Result<std::int64_t> PostgresStore::append_orders(std::vector<core::Order>& orders) {
  std::int64_t request_id = 0;
  auto status = writer_.run([&](Connection& db) { return insert_request(db, orders, request_id); });
  if (!status) return status.error();
  return request_id;
}

void PostgresStore::append_orders_async(std::vector<core::Order>& orders, StoreCompletion<std::int64_t> done) {
  auto request_id = std::make_shared<std::int64_t>(0);
  writer_.submit([&orders, request_id](Connection& db) { return insert_request(db, orders, *request_id); },
                 [request_id, done = std::move(done)](core::Status status) {
                   if (!status) return done(status.error());
                   done(*request_id);
                 });
}

core::Result<std::optional<core::Order>> PostgresStore::find_order(const core::OrderKey& key) {
  return readers_.run([&](Connection& db) -> core::Result<std::optional<core::Order>> {
    auto rows =
        db.query(std::string("SELECT ") + kOrderColumns + " FROM orders WHERE request_id = $1 AND order_id = $2",
                 Params(key.request_id, key.order_id));
    if (!rows) return rows.error();
    if (rows->empty()) return std::optional<core::Order>{};
    return std::optional<core::Order>(read_order(*rows, 0));
  });
}

core::Result<Page<core::Order>> PostgresStore::list_orders(const OrderQuery& query) {
  // Only the filters given appear in the SQL, so the planner can use the matching index; the
  // values themselves are always bound, never spliced in.
  std::string where;
  Params params;
  auto add = [&](const char* condition, const auto& value) {
    params.add(value);
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
    where += " $" + std::to_string(params.size());
  };
  if (query.status) add("status =", core::to_string(*query.status));
  if (query.agent_id) add("agent_id =", *query.agent_id);
  if (query.request_id) add("request_id =", *query.request_id);
  if (query.action) add("action_name =", *query.action);
  if (query.source) add("source =", *query.source);
  if (query.created_before) add("created_at <", *query.created_before);

  const std::string direction = query.descending ? " DESC" : " ASC";
  std::string order_by = " ORDER BY " + std::string(sort_column(query.sort)) + direction;
  if (query.sort != OrderQuery::SortField::id) order_by += ", request_id" + direction;
  order_by += ", order_id" + direction;
  Params page_params = params;
  page_params.add(query.limit).add(query.offset);
  const std::string select = std::string("SELECT ") + kOrderColumns + " FROM orders" + where + order_by + " LIMIT $" +
                             std::to_string(params.size() + 1) + " OFFSET $" + std::to_string(params.size() + 2);

  return readers_.run([&](Connection& db) -> core::Result<Page<core::Order>> {
    Page<core::Order> page;
    auto count = db.query("SELECT count(*) FROM orders" + where, params);
    if (!count) return count.error();
    page.total = count->integer(0, 0);
    auto rows = db.query(select, page_params);
    if (!rows) return rows.error();
    page.items = read_orders(*rows);
    return page;
  });
}

core::Result<std::map<core::OrderStatus, std::int64_t>> PostgresStore::count_orders_by_status() {
  return readers_.run([&](Connection& db) -> core::Result<std::map<core::OrderStatus, std::int64_t>> {
    auto rows = db.query("SELECT status, count(*) FROM orders GROUP BY status");
    if (!rows) return rows.error();
    std::map<core::OrderStatus, std::int64_t> counts;
    for (auto status : {core::OrderStatus::pending, core::OrderStatus::sent, core::OrderStatus::success,
                        core::OrderStatus::failure}) {
      counts[status] = 0;
    }
    for (int row = 0; row < rows->size(); ++row) {
      if (auto status = core::parse_order_status(rows->text(row, 0))) counts[*status] = rows->integer(row, 1);
    }
    return counts;
  });
}

core::Result<std::vector<ExpiredOrder>> PostgresStore::expire_overdue_orders(std::int64_t now) {
  std::vector<ExpiredOrder> expired;
  auto status = writer_.run([&](Connection& db) -> core::Status {
    expired.clear();
    // Several nodes may run this at once. A row another node is updating makes this statement
    // wait, then re-check the WHERE on the row's new version: an order is expired by exactly one
    // node, and an order that became `sent` meanwhile is still expired (as sent). SKIP LOCKED
    // would instead leave such an order for a pass that may never come.
    // RETURNING shows the new row; the message chosen from the old status tells which it was.
    auto rows = db.query(
        "UPDATE orders SET result_code = 3, result_message = CASE status WHEN 'pending' THEN $2 ELSE $3 END, "
        "status = 'failure', updated_at = $1 "
        "WHERE status IN ('pending', 'sent') AND deadline <= $1 "
        "RETURNING request_id, order_id, result_message, agent_id",
        Params(now, core::kNotDeliveredMessage, core::kNoResultMessage));
    if (!rows) return rows.error();
    expired.reserve(static_cast<std::size_t>(rows->size()));
    for (int row = 0; row < rows->size(); ++row) {
      auto previous =
          rows->text(row, 2) == core::kNotDeliveredMessage ? core::OrderStatus::pending : core::OrderStatus::sent;
      expired.push_back({{rows->integer(row, 0), rows->integer(row, 1)}, previous, rows->optional_text(row, 3)});
    }
    return core::ok_status();
  });
  if (!status) return status.error();
  return expired;
}

core::Result<std::vector<std::int64_t>> PostgresStore::open_order_deadlines() {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<std::int64_t>> {
    auto rows = db.query("SELECT DISTINCT deadline FROM orders WHERE status IN ('pending', 'sent') ORDER BY deadline");
    if (!rows) return rows.error();
    std::vector<std::int64_t> deadlines;
    deadlines.reserve(static_cast<std::size_t>(rows->size()));
    for (int row = 0; row < rows->size(); ++row) deadlines.push_back(rows->integer(row, 0));
    return deadlines;
  });
}

core::Result<std::vector<core::Order>> PostgresStore::terminal_orders_before(std::int64_t cutoff, std::int64_t limit) {
  return readers_.run([&](Connection& db) -> core::Result<std::vector<core::Order>> {
    auto rows = db.query(std::string("SELECT ") + kOrderColumns +
                             " FROM orders WHERE status IN ('success', 'failure') AND updated_at < $1"
                             " ORDER BY updated_at, request_id, order_id LIMIT $2",
                         Params(cutoff, limit));
    if (!rows) return rows.error();
    return read_orders(*rows);
  });
}

core::Status PostgresStore::delete_orders(const std::vector<core::OrderKey>& keys) {
  std::vector<std::int64_t> requests, orders;
  for (const auto& key : keys) {
    requests.push_back(key.request_id);
    orders.push_back(key.order_id);
  }
  return writer_.run([&](Connection& db) -> core::Status {
    return status_of(db.query(
        "DELETE FROM orders WHERE (request_id, order_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))",
        Params(int_array(requests), int_array(orders))));
  });
}

}  // namespace herald::store::postgres
