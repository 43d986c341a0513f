#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// POST /_plugins/_command_manager/commands (wire-protocol (a)).
void register_command_manager_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
