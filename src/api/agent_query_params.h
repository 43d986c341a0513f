#pragma once
// GET /agents parameters (agent-status.md §4) into a store::AgentQuery, with Wazuh's names.
#include <string>
#include <variant>
#include <vector>

#include "http/message.h"
#include "store/agent_query.h"

namespace herald::api {

struct AgentListRequest {
  store::AgentQuery query;
  std::vector<std::string> select;  // fields to keep in each item; empty: all
};

// The parsed request, or the 400 reply naming the bad parameter.
std::variant<AgentListRequest, http::Response> parse_agent_list_request(const http::Request& request,
                                                                        std::int64_t now);

}  // namespace herald::api
