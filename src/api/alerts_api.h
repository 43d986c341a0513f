#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// GET /alerts: the stored alerts (filters, paging, sort), each as in alerts.json.
void register_alert_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
