#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// Wazuh's logtest routes: PUT /logtest and DELETE /logtest/sessions/{token}, answered as the 4.x
// API answers them (analysisd's logtest reply, unchanged, in {"error":0,"data":{...}}). The
// sessions live as long as the routes; with analysis off both routes answer Wazuh's 7000 error.
void register_logtest_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
