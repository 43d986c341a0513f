#pragma once
// One way to log a failed authentication, for the management logins and the agents'.
#include <string_view>

#include "auth/rate_limiter.h"

namespace herald::api {

// Logs at warning who failed to authenticate (`what`: "login", "agent authentication"), from
// which address, how many failures that address has in the limiter's window, and the lockout
// the failure started. Never the secret. `who` comes from the client: it is shortened and its
// control characters replaced, so that it cannot forge log lines.
void log_failed_authentication(std::string_view what, std::string_view who, std::string_view source,
                               const auth::FailureRateLimiter::Failure& failure,
                               const auth::FailureRateLimitPolicy& policy);

}  // namespace herald::api
