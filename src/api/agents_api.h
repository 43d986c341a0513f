#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// POST /agents (enrollment, wire-protocol d2) and GET /agents.
void register_agent_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
