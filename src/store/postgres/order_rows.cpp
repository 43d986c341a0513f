#include "store/postgres/order_rows.h"

#include "store/group_list.h"

namespace herald::store::postgres {

namespace {

// COPY text format: tab-separated, \N is NULL, and backslash, tab, newline and carriage return
// inside a value are backslash escapes.
void append_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void append_field(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_field(out, std::string_view(*value));
  } else {
    out += "\\N";
  }
}

void append_field(std::string& out, std::int64_t value) { out += std::to_string(value); }

}  // namespace

core::Order read_order(const Rows& rows, int row) {
  core::Order order;
  order.key = {rows.integer(row, 0), rows.integer(row, 1)};
  order.agent_id = rows.optional_text(row, 2);
  if (auto groups = rows.optional_text(row, 3)) order.agent_groups = split_group_list(*groups);
  order.command.source = rows.text(row, 4);
  order.command.user = rows.optional_text(row, 5);
  order.command.target.type = core::parse_target_type(rows.text(row, 6)).value_or(core::TargetType::agent);
  order.command.target.id = rows.text(row, 7);
  order.command.action.name = rows.text(row, 8);
  order.command.action.args_json = rows.text(row, 9);
  order.command.action.version = rows.optional_text(row, 10);
  order.command.timeout_seconds = static_cast<int>(rows.integer(row, 11));
  order.status = core::parse_order_status(rows.text(row, 12)).value_or(core::OrderStatus::pending);
  order.created_at = rows.integer(row, 13);
  order.deadline = rows.integer(row, 14);
  order.updated_at = rows.integer(row, 15);
  if (auto code = rows.optional_integer(row, 16)) {
    order.result = core::OrderResult{*code, rows.text(row, 17), rows.optional_text(row, 18)};
  }
  order.agent_metadata_json = rows.optional_text(row, 19);
  return order;
}

std::vector<core::Order> read_orders(const Rows& rows) {
  std::vector<core::Order> orders;
  orders.reserve(static_cast<std::size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) orders.push_back(read_order(rows, row));
  return orders;
}

void append_order_copy_row(std::string& out, const core::Order& order) {
  std::optional<std::string> groups;
  if (order.agent_groups) groups = join_group_list(*order.agent_groups);
  append_field(out, order.key.request_id);
  out += '\t';
  append_field(out, order.key.order_id);
  out += '\t';
  append_field(out, order.agent_id);
  out += '\t';
  append_field(out, groups);
  out += '\t';
  append_field(out, std::string_view(order.command.source));
  out += '\t';
  append_field(out, order.command.user);
  out += '\t';
  append_field(out, core::to_string(order.command.target.type));
  out += '\t';
  append_field(out, std::string_view(order.command.target.id));
  out += '\t';
  append_field(out, std::string_view(order.command.action.name));
  out += '\t';
  append_field(out, std::string_view(order.command.action.args_json));
  out += '\t';
  append_field(out, order.command.action.version);
  out += '\t';
  append_field(out, static_cast<std::int64_t>(order.command.timeout_seconds));
  out += '\t';
  append_field(out, core::to_string(order.status));
  out += '\t';
  append_field(out, order.created_at);
  out += '\t';
  append_field(out, order.deadline);
  out += '\t';
  append_field(out, order.created_at);  // updated_at starts as created_at, as in SQLite
  out += '\n';
}

}  // namespace herald::store::postgres
