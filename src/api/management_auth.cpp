#include "api/management_auth.h"

#include <boost/json.hpp>

#include <optional>

#include "api/auth_failure_log.h"
#include "api/replies.h"
#include "auth/basic_auth.h"
#include "auth/password_hash.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

http::Response unauthorized(std::string_view detail) {
  auto response = problem_reply(401, "Unauthorized", detail);
  response.content_type = "application/problem+json";
  response.headers.emplace_back("WWW-Authenticate", "Bearer, Basic realm=\"herald\"");
  return response;
}

http::Response too_many_attempts(ApiContext& context, const http::Request& request) {
  auto retry = context.login_failures.retry_after(request.remote_address);
  auto response = problem_reply(429, "Too Many Requests",
                                "Too many failed authentication attempts from this address; retry later");
  response.headers.emplace_back("Retry-After", std::to_string(std::max<std::int64_t>(1, retry.count())));
  return response;
}

// Checks Basic credentials against the user table (slow hash), remembering successes briefly so
// that a client using Basic on every request does not pay PBKDF2 each time.
awaitable<bool> check_password(ApiContext& context, const std::string& user, const std::string& password) {
  if (context.verified_credentials.contains(user, password)) co_return true;
  auto found = co_await context.pool.run([&] { return context.store.find_user(user); });
  if (!found || !*found) {
    co_return false;
  }
  const std::string hash = (*found)->password_hash;
  bool ok = co_await context.pool.run([&] { return auth::verify_password(password, hash); });
  if (ok) context.verified_credentials.remember(user, password);
  co_return ok;
}

void record_login_failure(ApiContext& context, std::string_view user, const std::string& source) {
  const auto failure = context.login_failures.record_failure(source);
  log_failed_authentication("login", user, source, failure, context.login_failures.policy());
  if (context.herald_events) context.herald_events->api_authentication_failed(source, std::string(user));
}

enum class AuthOutcome { ok, missing, wrong, blocked };

// On success request.principal is the user's name.
awaitable<AuthOutcome> authenticate(ApiContext& context, http::Request& request) {
  auto header = request.header("Authorization");
  if (!header) co_return AuthOutcome::missing;
  if (auto bearer = auth::parse_bearer(*header)) {
    auto verified = context.tokens.verify(*bearer, kManagementIssuer, kManagementAudience);
    auto* claims = std::get_if<auth::TokenClaims>(&verified);
    if (claims == nullptr) co_return AuthOutcome::wrong;
    request.principal = claims->subject;
    co_return AuthOutcome::ok;
  }
  auto basic = auth::parse_basic_authorization(*header);
  if (!basic) co_return AuthOutcome::missing;
  if (context.login_failures.is_blocked(request.remote_address)) co_return AuthOutcome::blocked;
  if (co_await check_password(context, basic->first, basic->second)) {
    context.login_failures.record_success(request.remote_address);
    request.principal = basic->first;
    co_return AuthOutcome::ok;
  }
  record_login_failure(context, basic->first, request.remote_address);
  co_return AuthOutcome::wrong;
}

}  // namespace

http::Endpoint require_user(ApiContext& context, http::Handler handler) {
  // The guard runs on the headers alone, so an unauthenticated client never gets its body read.
  auto guard = [&context](http::Request& request) -> awaitable<std::optional<http::Response>> {
    switch (co_await authenticate(context, request)) {
      case AuthOutcome::ok: co_return std::nullopt;
      case AuthOutcome::missing: co_return unauthorized("No authorization token provided");
      case AuthOutcome::wrong: co_return unauthorized("Invalid credentials");
      case AuthOutcome::blocked: co_return too_many_attempts(context, request);
    }
    co_return unauthorized("Invalid credentials");
  };
  return http::Endpoint{std::move(handler), std::move(guard), context.body_limits.other};
}

void register_login_routes(http::Router& router, ApiContext& context) {
  // Basic credentials come in a header; the body is unused and bounded tightly.
  router.add(http::Method::post, "/security/user/authenticate",
             [&context](http::Request& request) -> awaitable<http::Response> {
               auto header = request.header("Authorization");
               auto basic = header ? auth::parse_basic_authorization(*header) : std::nullopt;
               if (!basic) co_return unauthorized("Invalid credentials");
               if (context.login_failures.is_blocked(request.remote_address)) {
                 co_return too_many_attempts(context, request);
               }
               if (!co_await check_password(context, basic->first, basic->second)) {
                 record_login_failure(context, basic->first, request.remote_address);
                 co_return unauthorized("Invalid credentials");
               }
               context.login_failures.record_success(request.remote_address);
               auto token = context.tokens.issue(kManagementIssuer, kManagementAudience, basic->first,
                                                 std::chrono::seconds(context.token_ttl_seconds),
                                                 {{"run_as", "false"}, {"rbac_mode", "white"}});
               // issue() fails only without a secret or for a user name holding a NUL byte.
               if (token.empty()) co_return error_reply(core::internal_error("the token could not be issued"));
               if (request.query_param("raw") == std::optional<std::string_view>("true")) {
                 co_return text_reply(200, token);
               }
               co_return json_reply(200, json::object{{"data", json::object{{"token", token}}}, {"error", 0}});
             },
             context.body_limits.authentication);
}

}  // namespace herald::api
