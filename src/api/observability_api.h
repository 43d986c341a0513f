#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// GET /health and GET /metrics (Prometheus text). Unauthenticated, like most scrape targets;
// the management listener binds to loopback by default.
void register_observability_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
