#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// GET /orders (filters, paging, sort) and GET /orders/{id}: the orders stream, read-only.
void register_order_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
