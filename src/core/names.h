#pragma once
// Identifier rules shared by the management API and the comms API.
#include <string_view>

namespace herald::core {

// Group names: 1-128 characters of [A-Za-z0-9_.-], not "." or ".." (agent-status.md §2).
bool is_valid_group_name(std::string_view name);
// Agent names: ^[\w\-.%]+$, at most 128 characters (wire-protocol d2).
bool is_valid_agent_name(std::string_view name);
// A version 4 UUID in its canonical 8-4-4-4-12 hex form, either case.
bool is_uuid_v4(std::string_view id);

}  // namespace herald::core
