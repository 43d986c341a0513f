#include "api/groups_api.h"

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include "api/agent_json.h"
#include "api/management_auth.h"
#include "api/replies.h"
#include "core/input_checks.h"
#include "core/names.h"
#include "store/group_list.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr int kGroupDoesNotExist = 1710;
constexpr int kAgentDoesNotExist = 1701;

http::Response invalid_group_name(std::string_view name) {
  return problem_reply(400, "Bad Request",
                       "Invalid group name '" + std::string(name) +
                           "': use 1-128 characters of A-Z a-z 0-9 _ . - (not . or ..)",
                       1722);
}

http::Response group_not_found(std::string_view name) {
  return problem_reply(404, "Resource not found", "The group " + std::string(name) + " does not exist",
                       kGroupDoesNotExist);
}

// The agent rejects a group file whose top level is neither a mapping nor a sequence, so such a
// file is refused at upload rather than failing every set-group order later.
std::optional<std::string> yaml_problem(const std::string& text) {
  try {
    auto node = YAML::Load(text);
    if (!node.IsMap() && !node.IsSequence()) {
      return "The configuration must be a YAML mapping or sequence at the top level";
    }
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    return std::string("Invalid YAML: ") + e.what();
  }
}

awaitable<http::Response> create_group(ApiContext& context, http::Request& request) {
  json::error_code ec;
  auto body = json::parse(request.body, ec, {}, core::client_json_options());
  const json::value* id = (!ec && body.is_object()) ? body.get_object().if_contains("group_id") : nullptr;
  if (id == nullptr || !id->is_string()) co_return problem_reply(400, "Bad Request", "'group_id' is a required property");
  std::string name(id->get_string());
  if (!core::is_valid_group_name(name)) co_return invalid_group_name(name);
  auto created = co_await context.pool.run([&] { return context.store.create_group(name); });
  context.group_configurations.changed();
  if (!created) {
    if (created.error().kind == core::ErrorKind::conflict) {
      co_return problem_reply(400, "WazuhError", "The group " + name + " already exists", 1711);
    }
    co_return error_reply(created.error());
  }
  co_return json_reply(200, json::object{{"message", "Group '" + name + "' created."}, {"error", 0}});
}

awaitable<http::Response> list_groups(ApiContext& context, http::Request& request) {
  http::Response error;
  auto paging = parse_paging(request, error);
  if (!paging) co_return error;
  auto groups = co_await context.pool.run([&] { return context.store.list_groups(); });
  if (!groups) co_return error_reply(groups.error());
  json::array items;
  auto total = static_cast<std::int64_t>(groups->size());
  for (std::int64_t i = paging->offset; i < total && i < paging->offset + paging->limit; ++i) {
    const auto& group = (*groups)[static_cast<std::size_t>(i)];
    json::object item{{"name", group.name}, {"count", group.agent_count}};
    item["configSum"] = group.configuration_sum ? json::value(*group.configuration_sum) : json::value(nullptr);
    item["mergedSum"] = item["configSum"];
    items.push_back(std::move(item));
  }
  co_return envelope_reply(std::move(items), total, {}, "All selected groups information was returned");
}

awaitable<http::Response> delete_groups(ApiContext& context, http::Request& request) {
  auto list = request.query_param("groups_list");
  if (!list || list->empty()) co_return problem_reply(400, "Bad Request", "'groups_list' is a required parameter");
  json::array affected, failed;
  for (const auto& name : store::split_group_list(*list)) {
    auto deleted = co_await context.pool.run([&] { return context.store.delete_group(name); });
    context.group_configurations.changed();
    if (deleted) {
      affected.emplace_back(name);
    } else if (deleted.error().kind == core::ErrorKind::not_found) {
      failed.push_back(failed_item(name, kGroupDoesNotExist, "The group does not exist"));
    } else {
      co_return error_reply(deleted.error());
    }
  }
  auto count = static_cast<std::int64_t>(affected.size());
  std::string message = failed.empty() ? "All selected groups were deleted" : "Some groups were not deleted";
  co_return envelope_reply(std::move(affected), count, std::move(failed), message);
}

// PUT and DELETE /agents/{agent_id}/group/{group_id}.
awaitable<http::Response> change_membership(ApiContext& context, http::Request& request, bool assign) {
  const auto& agent_id = request.path_params.at("agent_id");
  const auto& group = request.path_params.at("group_id");
  if (!core::is_valid_group_name(group)) co_return invalid_group_name(group);
  auto exists = co_await context.pool.run([&] { return context.store.group_exists(group); });
  if (!exists) co_return error_reply(exists.error());
  if (!*exists) co_return group_not_found(group);
  auto agent = co_await context.pool.run([&] { return context.store.find_agent(agent_id); });
  if (!agent) co_return error_reply(agent.error());
  if (!*agent) {
    json::array failed{failed_item(agent_id, kAgentDoesNotExist, "Agent does not exist")};
    co_return envelope_reply({}, 0, std::move(failed),
                             assign ? "No agent was assigned to " + group : "No agent was removed from " + group);
  }
  auto changed = co_await context.pool.run([&] {
    return assign ? context.store.assign_group(agent_id, group) : context.store.unassign_group(agent_id, group);
  });
  if (!changed) {
    if (!assign && changed.error().kind == core::ErrorKind::not_found) {
      json::array failed{failed_item(agent_id, 1734, "Agent does not belong to the specified group")};
      co_return envelope_reply({}, 0, std::move(failed), "No agent was removed from " + group);
    }
    co_return error_reply(changed.error());
  }
  co_return envelope_reply(json::array{json::string(agent_id)}, 1, {},
                           assign ? "All selected agents were assigned to " + group
                                  : "All selected agents were removed from " + group);
}

awaitable<http::Response> group_agents(ApiContext& context, http::Request& request) {
  const auto& group = request.path_params.at("group_id");
  http::Response error;
  auto paging = parse_paging(request, error);
  if (!paging) co_return error;
  auto exists = co_await context.pool.run([&] { return context.store.group_exists(group); });
  if (!exists) co_return error_reply(exists.error());
  if (!*exists) co_return group_not_found(group);
  auto page = co_await context.pool.run(
      [&] { return context.store.list_group_agents(group, paging->offset, paging->limit); });
  if (!page) co_return error_reply(page.error());
  json::array items;
  for (const auto& agent : page->items) items.push_back(agent_json(agent));
  co_return envelope_reply(std::move(items), page->total, {}, "All selected agents information was returned");
}

awaitable<http::Response> put_configuration(ApiContext& context, http::Request& request) {
  const auto& group = request.path_params.at("group_id");
  if (auto problem = yaml_problem(request.body)) co_return problem_reply(400, "Bad Request", *problem, 1006);
  auto stored = co_await context.pool.run([&] { return context.store.put_group_configuration(group, request.body); });
  context.group_configurations.changed();
  if (!stored) {
    if (stored.error().kind == core::ErrorKind::not_found) co_return group_not_found(group);
    co_return error_reply(stored.error());
  }
  co_return envelope_reply(json::array{json::string(group)}, 1, {}, "The configuration of group " + group + " was updated");
}

awaitable<http::Response> get_configuration(ApiContext& context, http::Request& request) {
  const auto& group = request.path_params.at("group_id");
  auto stored = co_await context.group_configurations.get(group);
  if (!stored) {
    if (stored.error().kind == core::ErrorKind::not_found) co_return group_not_found(group);
    co_return error_reply(stored.error());
  }
  auto reply = text_reply(200, stored->value_or("{}\n"));
  reply.content_type = "application/yaml";
  co_return reply;
}

}  // namespace

void register_group_routes(http::Router& router, ApiContext& context) {
  auto route = [&](http::Method method, std::string pattern, auto handler, std::size_t max_body_bytes = 0) {
    auto endpoint = require_user(context, [&context, handler](http::Request& request) { return handler(context, request); });
    if (max_body_bytes != 0) endpoint.max_body_bytes = max_body_bytes;
    router.add(method, std::move(pattern), std::move(endpoint));
  };
  route(http::Method::post, "/groups", create_group);
  route(http::Method::get, "/groups", list_groups);
  route(http::Method::del, "/groups", delete_groups);
  route(http::Method::get, "/groups/{group_id}/agents", group_agents);
  route(http::Method::put, "/groups/{group_id}/configuration", put_configuration, context.body_limits.group_configuration);
  route(http::Method::get, "/groups/{group_id}/configuration", get_configuration);
  route(http::Method::put, "/agents/{agent_id}/group/{group_id}",
        [](ApiContext& c, http::Request& r) { return change_membership(c, r, true); });
  route(http::Method::del, "/agents/{agent_id}/group/{group_id}",
        [](ApiContext& c, http::Request& r) { return change_membership(c, r, false); });
}

}  // namespace herald::api
