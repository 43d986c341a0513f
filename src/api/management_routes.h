#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// Every route of the management listener.
void register_management_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
