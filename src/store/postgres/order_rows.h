#pragma once
// The orders table's column list, row reader and COPY row writer, shared by the PostgreSQL
// order files.
#include <string>
#include <vector>

#include "core/order.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

inline constexpr const char* kOrderColumns =
    "request_id, order_id, agent_id, agent_groups, source, \"user\", target_type, target_id, action_name, "
    "action_args, action_version, timeout, status, created_at, deadline, updated_at, result_code, "
    "result_message, result_data, agent_metadata";

// Reads row `row` of a result selected with kOrderColumns.
core::Order read_order(const Rows& rows, int row);
std::vector<core::Order> read_orders(const Rows& rows);

// The columns a new order is stored with, in the order append_order_copy_row writes them.
inline constexpr const char* kOrderCopyColumns =
    "request_id, order_id, agent_id, agent_groups, source, \"user\", target_type, target_id, action_name, "
    "action_args, action_version, timeout, status, created_at, deadline, updated_at";

// Appends `order` as one line of COPY's text format (fields escaped; never SQL text).
void append_order_copy_row(std::string& out, const core::Order& order);

// One statement storing a request row ($1 created_at, $2 order count) and its orders given as
// parallel arrays ($3..$16, see add_order_arrays); returns the new request id. One round trip,
// where COPY takes three: used for the many small requests.
extern const char* const kInsertRequestWithOrders;
// Appends the orders' columns as the array parameters $3..$16 of kInsertRequestWithOrders.
void add_order_arrays(Params& params, const std::vector<core::Order>& orders);

}  // namespace herald::store::postgres
