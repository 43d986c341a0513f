#include "store/sqlite/order_rows.h"

#include "store/group_list.h"

namespace herald::store::sqlite {

core::Order read_order(const Statement& row) {
  core::Order order;
  order.key = {row.column_int(0), row.column_int(1)};
  order.agent_id = row.column_optional_text(2);
  if (auto groups = row.column_optional_text(3)) order.agent_groups = split_group_list(*groups);
  order.command.source = row.column_text(4);
  order.command.user = row.column_optional_text(5);
  order.command.target.type = core::parse_target_type(row.column_text(6)).value_or(core::TargetType::agent);
  order.command.target.id = row.column_text(7);
  order.command.action.name = row.column_text(8);
  order.command.action.args_json = row.column_text(9);
  order.command.action.version = row.column_optional_text(10);
  order.command.timeout_seconds = static_cast<int>(row.column_int(11));
  order.status = core::parse_order_status(row.column_text(12)).value_or(core::OrderStatus::pending);
  order.created_at = row.column_int(13);
  order.deadline = row.column_int(14);
  order.updated_at = row.column_int(15);
  if (auto code = row.column_optional_int(16)) {
    order.result = core::OrderResult{*code, row.column_text(17), row.column_optional_text(18)};
  }
  order.agent_metadata_json = row.column_optional_text(19);
  return order;
}

core::Result<std::vector<core::Order>> read_orders(Statement& select) {
  std::vector<core::Order> orders;
  for (;;) {
    auto row = select.step();
    if (!row) return row.error();
    if (!*row) break;
    orders.push_back(read_order(select));
  }
  return orders;
}

}  // namespace herald::store::sqlite
