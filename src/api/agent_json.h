#pragma once
#include <boost/json/object.hpp>

#include "store/records.h"

namespace herald::api {

// An agent as GET /agents shows it (agent-status.md §4 field names).
boost::json::object agent_json(const store::AgentRecord& agent);
// Keeps `id` and the named fields ("os.name" keeps os.name only). Empty `fields`: everything.
boost::json::object select_fields(const boost::json::object& agent, const std::vector<std::string>& fields);

}  // namespace herald::api
