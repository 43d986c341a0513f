#include "api/comms_auth.h"

#include <boost/json.hpp>

#include "api/auth_failure_log.h"
#include "api/comms_routes.h"
#include "api/content_type.h"
#include "api/replies.h"
#include "core/input_checks.h"
#include "auth/agent_key_hash.h"
#include "auth/basic_auth.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

std::variant<std::string, http::Response> authenticate_agent(const ApiContext& context, const http::Request& request) {
  auto header = request.header("Authorization");
  auto bearer = header ? auth::parse_bearer(*header) : std::nullopt;
  if (!bearer) return comms_error(403, "Invalid authentication token", 2706);
  auto verified = context.tokens.verify(*bearer, kCommsIssuer, kCommsAudience, kCommsTokenLifetime);
  if (auto* error = std::get_if<auth::TokenError>(&verified)) {
    if (*error == auth::TokenError::expired) return comms_error(403, "Authentication token expired", 2707);
    return comms_error(403, "Invalid authentication token", 2706);
  }
  const auto& claims = std::get<auth::TokenClaims>(verified);
  auto uuid = claims.extra.find("uuid");
  if (uuid == claims.extra.end() || uuid->second.empty()) return comms_error(403, "Invalid authentication token", 2706);
  context.liveness.seen(uuid->second);  // every authenticated request is a keep-alive
  return uuid->second;
}

http::Endpoint require_agent(ApiContext& context, http::Handler handler) {
  auto guard = [&context](http::Request& request) -> awaitable<std::optional<http::Response>> {
    auto agent = authenticate_agent(context, request);
    if (auto* reply = std::get_if<http::Response>(&agent)) co_return std::move(*reply);
    request.principal = std::move(std::get<std::string>(agent));
    co_return std::nullopt;
  };
  return http::Endpoint{std::move(handler), std::move(guard)};
}

namespace {

awaitable<http::Response> authenticate(ApiContext& context, http::Request& request) {
  // The agent always declares its JSON body.
  if (!declares_json(request)) co_return comms_error(406, "Invalid content type, it must be application/json", 406);
  json::error_code ec;
  auto body = json::parse(request.body, ec, {}, core::client_json_options());
  const json::object* object = (!ec && body.is_object()) ? &body.get_object() : nullptr;
  const auto* uuid = object ? object->if_contains("uuid") : nullptr;
  const auto* key = object ? object->if_contains("key") : nullptr;
  if (uuid == nullptr || key == nullptr || !uuid->is_string() || !key->is_string()) {
    co_return comms_error(400, "Invalid request body: it must be {\"uuid\":..., \"key\":...}", 400);
  }
  const std::string agent_id(uuid->get_string());
  const std::string agent_key(key->get_string());
  // Failed attempts are limited per address and agent, so one noisy host cannot lock out a fleet
  // behind the same NAT, and one agent cannot be brute-forced from many addresses unnoticed.
  const std::string limiter_key = request.remote_address + "/" + agent_id;
  if (context.agent_auth_failures.is_blocked(limiter_key)) {
    auto reply = comms_error(429, "Too many failed authentication attempts", 429);
    reply.headers.emplace_back("Retry-After",
                               std::to_string(context.agent_auth_failures.retry_after(limiter_key).count()));
    co_return reply;
  }
  auto agent = co_await context.pool.run([&] { return context.store.find_agent(agent_id); });
  if (!agent) co_return comms_error(503, "Couldn't reach the agent store: " + agent.error().message, 503);
  auto record_failure = [&] {
    const auto failure = context.agent_auth_failures.record_failure(limiter_key);
    log_failed_authentication("agent authentication", agent_id, request.remote_address, failure,
                              context.agent_auth_failures.policy());
  };
  if (!*agent) {
    record_failure();
    co_return comms_error(403, "Agent does not exist", 403);
  }
  if (!auth::verify_agent_key(agent_key, (*agent)->key_hash)) {
    record_failure();
    co_return comms_error(401, "Invalid key", 401);
  }
  context.agent_auth_failures.record_success(limiter_key);
  context.liveness.seen(agent_id);
  auto token = context.tokens.issue(kCommsIssuer, kCommsAudience, "", kCommsTokenLifetime, {{"uuid", agent_id}});
  if (token.empty()) co_return comms_error(500, "The token could not be issued", 500);
  co_return json_reply(200, json::object{{"token", token}});
}

}  // namespace

void register_comms_auth_routes(http::Router& router, ApiContext& context) {
  // Open to anyone, so its body is bounded tightly (the agent sends {"uuid","key"}, ~80 bytes).
  router.add(http::Method::post, "/api/v1/authentication",
             [&context](http::Request& request) { return authenticate(context, request); },
             context.body_limits.authentication);
}

}  // namespace herald::api
