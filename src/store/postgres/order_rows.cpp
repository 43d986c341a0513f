#include "store/postgres/order_rows.h"

#include "store/group_list.h"

namespace herald::store::postgres {

namespace {

// COPY text format: tab-separated, \N is NULL, and backslash, tab, newline and carriage return
// inside a value are backslash escapes.
void append_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
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

void append_field(std::string& out, std::int64_t value) {
  out += std::to_string(value);
}

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

const char* const kInsertRequestWithOrders =
    "WITH request AS (INSERT INTO requests(created_at, order_count) VALUES ($1, $2) RETURNING id), "
    "stored AS (INSERT INTO orders(request_id, order_id, agent_id, agent_groups, source, \"user\", target_type, "
    "target_id, action_name, action_args, action_version, timeout, status, created_at, deadline, updated_at) "
    "SELECT request.id, o.order_id, o.agent_id, o.agent_groups, o.source, o.user_name, o.target_type, o.target_id, "
    "o.action_name, o.action_args, o.action_version, o.timeout, o.status, o.created_at, o.deadline, o.created_at "
    "FROM request, unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
    "$10::text[], $11::text[], $12::text[], $13::integer[], $14::text[], $15::bigint[], $16::bigint[]) "
    "AS o(order_id, agent_id, agent_groups, source, user_name, target_type, target_id, action_name, action_args, "
    "action_version, timeout, status, created_at, deadline)) "
    "SELECT id FROM request";

void add_order_arrays(Params& params, const std::vector<core::Order>& orders) {
  std::vector<std::int64_t> order_ids, timeouts, created, deadlines;
  std::vector<std::optional<std::string>> agent_ids, groups, users, versions;
  std::vector<std::string> sources, target_types, target_ids, actions, args, statuses;
  for (const auto& order : orders) {
    order_ids.push_back(order.key.order_id);
    agent_ids.push_back(order.agent_id);
    groups.push_back(order.agent_groups ? std::optional<std::string>(join_group_list(*order.agent_groups))
                                        : std::nullopt);
    sources.push_back(order.command.source);
    users.push_back(order.command.user);
    target_types.emplace_back(core::to_string(order.command.target.type));
    target_ids.push_back(order.command.target.id);
    actions.push_back(order.command.action.name);
    args.push_back(order.command.action.args_json);
    versions.push_back(order.command.action.version);
    timeouts.push_back(order.command.timeout_seconds);
    statuses.emplace_back(core::to_string(order.status));
    created.push_back(order.created_at);
    deadlines.push_back(order.deadline);
  }
  params.add(int_array(order_ids))
      .add(text_array(agent_ids))
      .add(text_array(groups))
      .add(text_array(sources))
      .add(text_array(users))
      .add(text_array(target_types))
      .add(text_array(target_ids))
      .add(text_array(actions))
      .add(text_array(args))
      .add(text_array(versions))
      .add(int_array(timeouts))
      .add(text_array(statuses))
      .add(int_array(created))
      .add(int_array(deadlines));
}

}  // namespace herald::store::postgres
