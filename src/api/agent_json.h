#pragma once
#include <boost/json/object.hpp>

#include "store/records.h"

namespace herald::api {

// An agent as GET /agents shows it (agent-status.md §4 field names).
boost::json::object agent_json(const store::AgentRecord& agent);

}  // namespace herald::api
