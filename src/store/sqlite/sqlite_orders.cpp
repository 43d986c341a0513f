// The orders stream on SQLite.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/time_format.h"
#include "store/group_list.h"
#include "store/sqlite/order_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::store::sqlite {

namespace {

std::string_view sort_column(OrderQuery::SortField field) {
  switch (field) {
    case OrderQuery::SortField::created_at: return "created_at";
    case OrderQuery::SortField::deadline: return "deadline";
    case OrderQuery::SortField::updated_at: return "updated_at";
    case OrderQuery::SortField::id: return "request_id";
  }
  return "request_id";
}

// One request row and its orders: the append job, run by the writer.
core::Status insert_request(Database& db, std::vector<core::Order>& orders, std::int64_t& request_id) {
  auto request = db.prepare("INSERT INTO requests(created_at, order_count) VALUES(?1, ?2)");
  if (!request) return request.error();
  std::int64_t now = orders.empty() ? 0 : orders.front().created_at;
  if (auto s = request->bind(1, now).bind(2, static_cast<std::int64_t>(orders.size())).run(); !s) return s;
  request_id = db.last_insert_rowid();

  auto insert = db.prepare(
      "INSERT INTO orders(request_id, order_id, agent_id, agent_groups, source, user, target_type, target_id, "
      "action_name, action_args, action_version, timeout, status, created_at, deadline, updated_at) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?14)");
  if (!insert) return insert.error();
  std::int64_t order_id = 0;
  for (auto& order : orders) {
    order.key = {request_id, ++order_id};
    std::optional<std::string> groups;
    if (order.agent_groups) groups = join_group_list(*order.agent_groups);
    insert->bind(1, request_id)
        .bind(2, order_id)
        .bind(3, order.agent_id)
        .bind(4, groups)
        .bind(5, order.command.source)
        .bind(6, order.command.user)
        .bind(7, core::to_string(order.command.target.type))
        .bind(8, order.command.target.id)
        .bind(9, order.command.action.name)
        .bind(10, order.command.action.args_json)
        .bind(11, order.command.action.version)
        .bind(12, static_cast<std::int64_t>(order.command.timeout_seconds))
        .bind(13, core::to_string(order.status))
        .bind(14, order.created_at)
        .bind(15, order.deadline);
    if (auto s = insert->run(); !s) return s;
    insert->reset();
  }
  return core::ok_status();
}

}  // namespace

core::Result<std::int64_t> SqliteStore::append_orders(std::vector<core::Order>& orders) {
  std::int64_t request_id = 0;
  auto status = writer_.run([&](Database& db) { return insert_request(db, orders, request_id); });
  if (!status) return status.error();
  return request_id;
}

void SqliteStore::append_orders_async(std::vector<core::Order>& orders, StoreCompletion<std::int64_t> done) {
  auto request_id = std::make_shared<std::int64_t>(0);
  writer_.submit([&orders, request_id](Database& db) { return insert_request(db, orders, *request_id); },
                 [request_id, done = std::move(done)](core::Status status) {
                   if (!status) return done(status.error());
                   done(*request_id);
                 });
}

core::Result<std::optional<core::Order>> SqliteStore::find_order(const core::OrderKey& key) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(std::string("SELECT ") + kOrderColumns +
                                   " FROM orders WHERE request_id = ?1 AND order_id = ?2");
  if (!select) return select.error();
  select->bind(1, key.request_id).bind(2, key.order_id);
  auto row = select->step();
  if (!row) return row.error();
  if (!*row) return std::optional<core::Order>{};
  return std::optional<core::Order>(read_order(*select));
}

core::Result<Page<core::Order>> SqliteStore::list_orders(const OrderQuery& query) {
  // Only the filters given appear in the SQL, so SQLite can use the matching index; the values
  // themselves are always bound, never spliced in.
  std::string where;
  std::vector<std::function<void(Statement&, int)>> binds;
  auto add = [&](const char* condition, auto value) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
    where += " ?" + std::to_string(binds.size() + 1);
    binds.push_back([value](Statement& stmt, int index) { stmt.bind(index, value); });
  };
  if (query.status) add("status =", std::string(core::to_string(*query.status)));
  if (query.agent_id) add("agent_id =", *query.agent_id);
  if (query.request_id) add("request_id =", *query.request_id);
  if (query.action) add("action_name =", *query.action);
  if (query.source) add("source =", *query.source);
  if (query.created_before) add("created_at <", *query.created_before);
  auto bind_filters = [&](Statement& stmt) {
    for (std::size_t i = 0; i < binds.size(); ++i) binds[i](stmt, static_cast<int>(i + 1));
  };

  auto lease = read();
  if (!lease) return lease.error();
  Page<core::Order> page;
  {
    auto count = (**lease)->prepare("SELECT count(*) FROM orders" + where);
    if (!count) return count.error();
    bind_filters(*count);
    auto row = count->step();
    if (!row) return row.error();
    page.total = count->column_int(0);
  }
  std::string direction = query.descending ? " DESC" : " ASC";
  std::string order_by = " ORDER BY " + std::string(sort_column(query.sort)) + direction;
  if (query.sort != OrderQuery::SortField::id) order_by += ", request_id" + direction;
  order_by += ", order_id" + direction;
  const auto limit_index = std::to_string(binds.size() + 1);
  const auto offset_index = std::to_string(binds.size() + 2);
  auto select = (**lease)->prepare(std::string("SELECT ") + kOrderColumns + " FROM orders" + where + order_by +
                                   " LIMIT ?" + limit_index + " OFFSET ?" + offset_index);
  if (!select) return select.error();
  bind_filters(*select);
  select->bind(static_cast<int>(binds.size() + 1), query.limit).bind(static_cast<int>(binds.size() + 2), query.offset);
  auto items = read_orders(*select);
  if (!items) return items.error();
  page.items = std::move(items).value();
  return page;
}

core::Result<std::map<core::OrderStatus, std::int64_t>> SqliteStore::count_orders_by_status() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare("SELECT status, count(*) FROM orders GROUP BY status");
  if (!select) return select.error();
  std::map<core::OrderStatus, std::int64_t> counts;
  for (auto status : {core::OrderStatus::pending, core::OrderStatus::sent, core::OrderStatus::success,
                      core::OrderStatus::failure}) {
    counts[status] = 0;
  }
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    if (auto status = core::parse_order_status(select->column_text(0))) counts[*status] = select->column_int(1);
  }
  return counts;
}

core::Result<std::vector<ExpiredOrder>> SqliteStore::expire_overdue_orders(std::int64_t now) {
  std::vector<ExpiredOrder> expired;
  auto status = writer_.run([&](Database& db) -> core::Status {
    expired.clear();
    // RETURNING reports the pre-update status through the message we chose from it.
    auto update = db.prepare(
        "UPDATE orders SET "
        "  result_code = 3,"
        "  result_message = CASE status WHEN 'pending' THEN ?2 ELSE ?3 END,"
        "  status = 'failure', updated_at = ?1 "
        "WHERE status IN ('pending', 'sent') AND deadline <= ?1 "
        "RETURNING request_id, order_id, result_message, agent_id");
    if (!update) return update.error();
    update->bind(1, now).bind(2, core::kNotDeliveredMessage).bind(3, core::kNoResultMessage);
    for (;;) {
      auto row = update->step();
      if (!row) return row.error();
      if (!*row) break;
      auto previous = update->column_text(2) == core::kNotDeliveredMessage ? core::OrderStatus::pending
                                                                            : core::OrderStatus::sent;
      expired.push_back({{update->column_int(0), update->column_int(1)}, previous, update->column_optional_text(3)});
    }
    return core::ok_status();
  });
  if (!status) return status.error();
  return expired;
}

core::Result<std::vector<std::int64_t>> SqliteStore::open_order_deadlines() {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(
      "SELECT DISTINCT deadline FROM orders WHERE status IN ('pending', 'sent') ORDER BY deadline");
  if (!select) return select.error();
  std::vector<std::int64_t> deadlines;
  for (;;) {
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) break;
    deadlines.push_back(select->column_int(0));
  }
  return deadlines;
}

core::Result<std::vector<core::Order>> SqliteStore::terminal_orders_before(std::int64_t cutoff, std::int64_t limit) {
  auto lease = read();
  if (!lease) return lease.error();
  auto select = (**lease)->prepare(std::string("SELECT ") + kOrderColumns +
                                   " FROM orders WHERE status IN ('success', 'failure') AND updated_at < ?1"
                                   " ORDER BY updated_at LIMIT ?2");
  if (!select) return select.error();
  select->bind(1, cutoff).bind(2, limit);
  return read_orders(*select);
}

core::Status SqliteStore::delete_orders(const std::vector<core::OrderKey>& keys) {
  return writer_.run([&](Database& db) -> core::Status {
    auto remove = db.prepare("DELETE FROM orders WHERE request_id = ?1 AND order_id = ?2");
    if (!remove) return remove.error();
    for (const auto& key : keys) {
      if (auto s = remove->bind(1, key.request_id).bind(2, key.order_id).run(); !s) return s;
      remove->reset();
    }
    return core::ok_status();
  });
}

}  // namespace herald::store::sqlite
