#pragma once
// Group membership steps shared by the write jobs that change an agent's groups (inside the
// writer's transaction).
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

// The group's row id; nullopt when there is no such group.
core::Result<std::optional<std::int64_t>> group_id(Database& db, const std::string& name);

// Rewrites the agent's denormalized "group" column from belongs, in priority order, and its
// group_config_status.
core::Status refresh_agent_groups(Database& db, const std::string& agent_id);

}  // namespace herald::store::sqlite
