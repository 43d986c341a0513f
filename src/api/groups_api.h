#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// Groups and memberships (agent-status.md §4) and group configuration files.
void register_group_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
