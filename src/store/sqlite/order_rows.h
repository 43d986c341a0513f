#pragma once
// The orders table's column list and row reader, shared by the SQLite order files.
#include <vector>

#include "core/order.h"
#include "core/result.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

inline constexpr const char* kOrderColumns =
    "request_id, order_id, agent_id, agent_groups, source, user, target_type, target_id, action_name, "
    "action_args, action_version, timeout, status, created_at, deadline, updated_at, result_code, "
    "result_message, result_data, agent_metadata";

// Reads a row selected with kOrderColumns.
core::Order read_order(const Statement& row);
// Steps `select` (selecting kOrderColumns) to the end and reads every row.
core::Result<std::vector<core::Order>> read_orders(Statement& select);

}  // namespace herald::store::sqlite
