#pragma once
// Turns validated commands into orders, one per target agent (wire-protocol (a) "Expansion"),
// without upstream's 10-hit cap: an agent target must exist; a group target gives one order per
// current member; a server target gives one order with no agent.
#include <vector>

#include "core/order.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

// Reads the store (blocking). Orders come back `pending`, with created_at = now and
// deadline = now + timeout, keys unset (the store assigns them). An empty vector means no
// command matched any agent or group.
core::Result<std::vector<core::Order>> expand_commands(const std::vector<core::Command>& commands,
                                                       store::AgentStore& agents, std::int64_t now);

}  // namespace herald::engine
