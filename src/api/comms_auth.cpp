#include "api/comms_auth.h"

#include <boost/json.hpp>

#include "api/comms_routes.h"
#include "api/replies.h"
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

namespace {

awaitable<http::Response> authenticate(ApiContext& context, http::Request& request) {
  json::error_code ec;
  auto body = json::parse(request.body, ec);
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
  if (!*agent) {
    context.agent_auth_failures.record_failure(limiter_key);
    co_return comms_error(403, "Agent does not exist", 403);
  }
  if (!auth::verify_agent_key(agent_key, (*agent)->key_hash)) {
    context.agent_auth_failures.record_failure(limiter_key);
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
  router.add(http::Method::post, "/api/v1/authentication",
             [&context](http::Request& request) { return authenticate(context, request); });
}

}  // namespace herald::api
