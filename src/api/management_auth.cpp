#include "api/management_auth.h"

#include <boost/json.hpp>

#include <optional>

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

enum class AuthOutcome { ok, missing, wrong, blocked };

awaitable<AuthOutcome> authenticate(ApiContext& context, const http::Request& request) {
  auto header = request.header("Authorization");
  if (!header) co_return AuthOutcome::missing;
  if (auto bearer = auth::parse_bearer(*header)) {
    auto verified = context.tokens.verify(*bearer, kManagementIssuer, kManagementAudience);
    co_return std::holds_alternative<auth::TokenClaims>(verified) ? AuthOutcome::ok : AuthOutcome::wrong;
  }
  auto basic = auth::parse_basic_authorization(*header);
  if (!basic) co_return AuthOutcome::missing;
  if (context.login_failures.is_blocked(request.remote_address)) co_return AuthOutcome::blocked;
  if (co_await check_password(context, basic->first, basic->second)) {
    context.login_failures.record_success(request.remote_address);
    co_return AuthOutcome::ok;
  }
  context.login_failures.record_failure(request.remote_address);
  co_return AuthOutcome::wrong;
}

}  // namespace

http::Handler require_user(ApiContext& context, http::Handler handler) {
  return [&context, handler = std::move(handler)](http::Request& request) -> awaitable<http::Response> {
    switch (co_await authenticate(context, request)) {
      case AuthOutcome::ok: co_return co_await handler(request);
      case AuthOutcome::missing: co_return unauthorized("No authorization token provided");
      case AuthOutcome::wrong: co_return unauthorized("Invalid credentials");
      case AuthOutcome::blocked: co_return too_many_attempts(context, request);
    }
    co_return unauthorized("Invalid credentials");
  };
}

void register_login_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::post, "/security/user/authenticate",
             [&context](http::Request& request) -> awaitable<http::Response> {
               auto header = request.header("Authorization");
               auto basic = header ? auth::parse_basic_authorization(*header) : std::nullopt;
               if (!basic) co_return unauthorized("Invalid credentials");
               if (context.login_failures.is_blocked(request.remote_address)) {
                 co_return too_many_attempts(context, request);
               }
               if (!co_await check_password(context, basic->first, basic->second)) {
                 context.login_failures.record_failure(request.remote_address);
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
             });
}

}  // namespace herald::api
