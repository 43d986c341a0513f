#pragma once
// Agent authentication for the comms API (wire-protocol c1, c2): POST /api/v1/authentication
// issues a token; every other comms route needs `Authorization: Bearer <token>`.
#include <string>
#include <variant>

#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

inline constexpr std::string_view kCommsIssuer = "wazuh";
inline constexpr std::string_view kCommsAudience = "Wazuh Communications API";
// Upstream rejects a token unless exp - iat is exactly 900 s.
inline constexpr std::chrono::seconds kCommsTokenLifetime{900};

// The agent uuid of a valid token, or the 403 reply (code 2706 bad or missing, 2707 expired).
// A valid token counts as the agent's keep-alive.
std::variant<std::string, http::Response> authenticate_agent(const ApiContext& context, const http::Request& request);

// An endpoint whose handler runs only with a valid agent token, checked from the headers alone
// before any body is read; the handler finds the agent's uuid in request.principal.
http::Endpoint require_agent(ApiContext& context, http::Handler handler);

void register_comms_auth_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
