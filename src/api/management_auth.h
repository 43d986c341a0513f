#pragma once
// Authentication of management routes: `Authorization: Bearer <jwt>` (issued by
// POST /security/user/authenticate) or `Basic`. Wrong credentials count against the client
// address; past the limit the address gets 429 until its lockout ends.
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

inline constexpr std::string_view kManagementIssuer = "wazuh";
inline constexpr std::string_view kManagementAudience = "Wazuh API REST";

// An endpoint whose handler runs only for an authenticated user: 401 (or 429 while the address
// is locked out) from the headers alone, before any body is read.
http::Endpoint require_user(ApiContext& context, http::Handler handler);

// POST /security/user/authenticate (wire-protocol d1).
void register_login_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
