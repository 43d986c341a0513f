#pragma once
// Group membership steps shared by the write jobs that change agents' groups (inside the
// writer's transaction).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

// The group's row id; nullopt when there is no such group.
core::Result<std::optional<std::int64_t>> group_id(Connection& db, const std::string& name);

// Rewrites the agents' denormalized "group" column from belongs, in priority order, and whether
// their configuration is in sync (the groups they report are the ones assigned), as SQLite does.
core::Status refresh_agent_groups(Connection& db, const std::vector<std::string>& agent_ids);

}  // namespace herald::store::postgres
