#include "api/agents_api.h"

#include <boost/json.hpp>

#include "api/agent_json.h"
#include "api/agent_query_params.h"
#include "api/management_auth.h"
#include "api/content_type.h"
#include "api/replies.h"
#include "auth/agent_key_hash.h"
#include "core/field_limits.h"
#include "core/input_checks.h"
#include "core/names.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

std::string string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// "'host.os.name' must be at most 256 bytes long, got 102400 bytes", as the other 400s of this route.
http::Response over_limit(const core::LimitViolation& violation) {
  return problem_reply(400, "Bad Request",
                       "'" + violation.field + "' must be " + violation.limit + ", got " + violation.actual);
}

// Validates an enrollment body exactly as the agent expects (wire-protocol d2). Returns the
// record to store, or the reply to send.
std::variant<store::AgentRecord, http::Response> parse_enrollment(const http::Request& request, std::int64_t now,
                                                                  const std::string& node_name) {
  if (!declares_json(request)) {
    return problem_reply(406, "Not Acceptable", "Invalid content type, it must be application/json", 6002);
  }
  json::error_code ec;
  auto body = json::parse(request.body, ec, {}, core::client_json_options());
  if (ec == json::error::too_deep) {
    return problem_reply(400, "Bad Request", "The request body is not valid: " + core::json_parse_problem(ec));
  }
  if (ec || !body.is_object()) return problem_reply(400, "Bad Request", "The request body must be a JSON object");
  const auto& object = body.get_object();
  for (std::string_view field : {"id", "name", "key", "type", "version"}) {
    const auto* value = object.if_contains(field);
    if (value == nullptr || value->is_null()) {
      return problem_reply(400, "Bad Request", "'" + std::string(field) + "' is a required property");
    }
    if (!value->is_string()) {
      return problem_reply(400, "Bad Request", "'" + std::string(field) + "' must be a string");
    }
  }
  store::AgentRecord agent;
  agent.id = string_at(object, "id");
  agent.name = string_at(object, "name");
  auto key = string_at(object, "key");
  agent.type = string_at(object, "type");
  agent.version = string_at(object, "version");
  if (!core::is_uuid_v4(agent.id)) {
    return problem_reply(400, "Bad Request", "'" + agent.id + "' is not a valid version 4 UUID");
  }
  if (!core::is_valid_agent_name(agent.name)) {
    return problem_reply(400, "Bad Request",
                         "Invalid agent name: it must match ^[\\w\\-.%]+$ and be at most 128 characters", 1738);
  }
  if (key.size() != 32) return problem_reply(400, "Invalid key length", "The key must be 32 characters long");
  for (auto [field, value] : {std::pair{"type", &agent.type}, std::pair{"version", &agent.version}}) {
    if (auto violation = core::check_length(field, *value, core::kMaxShortText)) return over_limit(*violation);
  }
  if (const auto* host = object.if_contains("host")) {
    if (!host->is_object()) return problem_reply(400, "Bad Request", "'host' must be an object");
    const auto& h = host->get_object();
    if (auto violation = core::check_agent_host(h, "host")) return over_limit(*violation);
    agent.host_json = json::serialize(h);
    if (const auto* ips = h.if_contains("ip"); ips && ips->is_array() && !ips->get_array().empty() &&
                                               ips->get_array().front().is_string()) {
      agent.ip = std::string(ips->get_array().front().get_string());
    }
    if (const auto* os = h.if_contains("os"); os && os->is_object()) {
      agent.os_name = string_at(os->get_object(), "name");
      agent.os_version = string_at(os->get_object(), "version");
      agent.os_platform = string_at(os->get_object(), "type");
    }
    agent.os_arch = string_at(h, "architecture");
  }
  agent.key_hash = auth::hash_agent_key(key);
  agent.date_add = now;
  agent.node_name = node_name;
  return agent;
}

}  // namespace

void register_agent_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::post, "/agents",
             require_user(context, [&context](http::Request& request) -> awaitable<http::Response> {
               auto parsed = parse_enrollment(request, context.clock.now_seconds(), context.node_name);
               if (auto* reply = std::get_if<http::Response>(&parsed)) co_return std::move(*reply);
               auto& agent = std::get<store::AgentRecord>(parsed);
               auto created = co_await context.pool.run([&] { return context.store.create_agent(agent); });
               if (!created) {
                 if (created.error().kind == core::ErrorKind::conflict) {
                   co_return problem_reply(400, "WazuhError", "There is an agent with the same ID: " + agent.id, 1708,
                                           "Please choose another ID");
                 }
                 co_return error_reply(created.error());
               }
               context.publisher.agent_enrolled(agent);
               if (context.herald_events) context.herald_events->agent_enrolled(agent);
               http::Response response;
               response.status = 201;  // the only status the agent accepts, with an empty body
               response.content_type = {};
               co_return response;
             }));

  router.add(http::Method::get, "/agents",
             require_user(context, [&context](http::Request& request) -> awaitable<http::Response> {
               auto parsed = parse_agent_list_request(request, context.clock.now_seconds());
               if (auto* reply = std::get_if<http::Response>(&parsed)) co_return std::move(*reply);
               const auto& list = std::get<AgentListRequest>(parsed);
               auto page = co_await context.pool.run([&] { return context.store.query_agents(list.query); });
               if (!page) co_return store_failure_reply(page.error(), "GET /agents");
               json::array items;
               items.reserve(page->items.size());
               for (const auto& agent : page->items) items.push_back(select_fields(agent_json(agent), list.select));
               co_return envelope_reply(std::move(items), page->total, {},
                                        "All selected agents information was returned");
             }));

  router.add(http::Method::get, "/agents/summary/status",
             require_user(context, [&context](http::Request&) -> awaitable<http::Response> {
               auto summary = co_await context.pool.run([&] { return context.store.agent_status_summary(); });
               if (!summary) co_return store_failure_reply(summary.error(), "GET /agents/summary/status");
               const auto& s = *summary;
               json::object connection{{"active", s.active},
                                       {"disconnected", s.disconnected},
                                       {"never_connected", s.never_connected},
                                       {"pending", s.pending},
                                       {"total", s.active + s.disconnected + s.never_connected + s.pending}};
               json::object configuration{
                   {"synced", s.synced}, {"not_synced", s.not_synced}, {"total", s.synced + s.not_synced}};
               co_return json_reply(200, json::object{{"data", json::object{{"connection", std::move(connection)},
                                                                          {"configuration", std::move(configuration)}}},
                                                     {"error", 0}});
             }));
}

}  // namespace herald::api
