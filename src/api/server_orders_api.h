#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// Server-targeted orders on the management listener: a server module (authenticated as a user)
// long-polls GET /api/v1/server/commands?module=<id> and reports results with
// POST /orders/{id}/result {"code":N,"message":"..."}.
void register_server_order_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
