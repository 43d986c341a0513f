#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// GET /api/v1/commands, POST /api/v1/events/stateful and /stateless, GET /api/v1/files.
void register_comms_agent_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
