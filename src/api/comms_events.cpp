#include "api/comms_events.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "api/comms_auth.h"
#include "api/comms_routes.h"
#include "api/order_delivery.h"
#include "api/replies.h"
#include "core/names.h"
#include "core/stateful_events.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

json::object item(const core::StatefulEvent& event, std::string_view result, int status) {
  json::object out{{"index", event.index}};
  out["id"] = event.id ? json::value(*event.id) : json::value(nullptr);
  out["result"] = result;
  out["status"] = status;
  return out;
}

json::object command_item(const core::StatefulEvent& event, store::ResultOutcome outcome) {
  switch (outcome) {
    case store::ResultOutcome::applied: return item(event, "updated", 200);
    case store::ResultOutcome::unchanged: return item(event, "noop", 200);
    case store::ResultOutcome::not_found: return item(event, "Order not found", 404);
    case store::ResultOutcome::wrong_target: return item(event, "The order belongs to another agent", 403);
    case store::ResultOutcome::already_final: return item(event, "The order already has a final result", 409);
  }
  return item(event, "error", 500);
}

// The metadata line describes the agent: its row follows what it reports (only its own row).
store::AgentMetadata reported_metadata(const core::AgentMetadata& agent) {
  store::AgentMetadata metadata;
  metadata.agent_id = agent.id;
  metadata.version = agent.version;
  metadata.ip = agent.ips.empty() ? std::string() : agent.ips.front();
  metadata.hostname = agent.hostname.value_or("");
  metadata.os_name = agent.os_name.value_or("");
  metadata.os_version = agent.os_version.value_or("");
  metadata.os_platform = agent.os_type.value_or("");
  metadata.os_arch = agent.architecture.value_or("");
  metadata.groups = agent.groups;
  return metadata;
}

awaitable<void> record_metadata(ApiContext& context, const std::string& agent_id, const core::AgentMetadata& agent) {
  if (agent.id != agent_id) co_return;
  const auto metadata = reported_metadata(agent);
  if (context.liveness.metadata_is_recorded(metadata)) co_return;
  auto recorded = co_await context.pool.run([&] { return context.liveness.record_metadata(metadata); });
  // Bookkeeping only: the events themselves are still accepted.
  if (!recorded) spdlog::debug("agent {}: metadata not stored: {}", agent_id, recorded.error().message);
}

void publish_events(ApiContext& context, const std::string& agent_id, bool stateful, std::string_view body) {
  if (!context.publisher.enabled()) return;
  std::vector<std::string> lines;
  while (!body.empty()) {
    auto end = body.find('\n');
    auto line = body.substr(0, end);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(line);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
  }
  context.publisher.agent_events(agent_id, stateful, std::move(lines));
}

awaitable<http::Response> commands(ApiContext& context, http::Request& request) {
  const store::DeliveryTarget target{store::DeliveryTarget::Kind::agent, request.principal};
  co_return co_await long_poll_orders(context, target);
}

awaitable<http::Response> stateful(ApiContext& context, http::Request& request) {
  const auto& agent_id = request.principal;

  auto parsed = core::parse_stateful_events(request.body);
  if (auto* error = std::get_if<core::StatefulEventsError>(&parsed)) {
    co_return comms_error(400, error->message, error->code);
  }
  auto& batch = std::get<core::StatefulBatch>(parsed);
  co_await record_metadata(context, agent_id, batch.agent);

  // Command results, applied to the orders of the token's agent only.
  std::vector<store::ResultReport> reports;
  std::vector<std::size_t> report_of_event(batch.events.size(), SIZE_MAX);
  std::vector<std::optional<json::object>> items(batch.events.size());
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const auto& event = batch.events[i];
    if (event.module != "command") continue;
    auto key = event.id ? core::parse_document_id(*event.id) : std::nullopt;
    auto result = core::command_result(event);
    if (!key) {
      items[i] = item(event, "Order not found", 404);
    } else if (!result || event.operation != "update") {
      items[i] = item(event, "Invalid command result: expected an update with {\"command\":{\"result\":{code,message}}}", 400);
    } else if (result->problem) {
      // Not storable as sent (core/field_limits.h); a failed item, so the rest of the batch still counts.
      items[i] = item(event, "Invalid command result: " + *result->problem, 400);
    } else {
      report_of_event[i] = reports.size();
      reports.push_back({*key, agent_id, {result->code, result->message, result->data_json}, batch.agent.raw_json});
    }
  }
  if (!reports.empty()) {
    auto outcomes = co_await context.results.apply_async(reports);
    if (!outcomes) co_return comms_error(503, "Results could not be stored: " + outcomes.error().message, 503);
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      if (report_of_event[i] != SIZE_MAX) items[i] = command_item(batch.events[i], (*outcomes)[report_of_event[i]]);
    }
  }
  // The other modules' events go to the event sink (command results live on their orders, the
  // orders stream being their index, as upstream routes them to wazuh-commands). If the sink
  // fails, the agent keeps the batch and retries; results above are idempotent.
  core::StatefulBatch forwarded{batch.agent, {}};
  for (const auto& event : batch.events) {
    if (event.module != "command") forwarded.events.push_back(event);
  }
  if (!forwarded.events.empty()) {
    auto written = co_await context.pool.run([&] { return context.events.write_stateful(forwarded); });
    if (!written) co_return comms_error(503, "Events could not be stored: " + written.error().message, 503);
  }

  publish_events(context, agent_id, true, request.body);
  json::array results;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const auto& event = batch.events[i];
    if (items[i]) {
      results.push_back(std::move(*items[i]));
    } else if (event.operation == "create") {
      results.push_back(item(event, "created", 201));
    } else {
      results.push_back(item(event, event.operation == "delete" ? "deleted" : "updated", 200));
    }
  }
  co_return json_reply(200, json::object{{"results", std::move(results)}});
}

awaitable<http::Response> stateless(ApiContext& context, http::Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    co_return comms_error(400, "Invalid stateless events request: the body is empty", 400);
  }
  const auto& agent_id = request.principal;
  if (auto metadata = core::parse_agent_metadata_line(request.body)) co_await record_metadata(context, agent_id, *metadata);
  auto written = co_await context.pool.run([&] { return context.events.write_stateless(agent_id, request.body); });
  if (!written) co_return comms_error(503, "Events could not be stored: " + written.error().message, 503);
  publish_events(context, agent_id, false, request.body);
  if (context.analysis != nullptr) {
    engine::AnalysisInput input;
    input.kind = engine::AnalysisInput::Kind::stateless_body;
    input.agent_id = agent_id;
    input.message = std::move(request.body);
    std::vector<engine::AnalysisInput> inputs;
    inputs.push_back(std::move(input));
    context.analysis->submit(std::move(inputs));
  }
  http::Response reply;
  reply.status = 204;
  reply.content_type = {};
  co_return reply;
}

awaitable<http::Response> files(ApiContext& context, http::Request& request) {
  auto name = request.query_param("file_name");
  if (!name || name->empty()) co_return comms_error(400, "Missing the file_name parameter", 400);
  if (name->back() == '/') co_return comms_error(400, "Invalid file name, it must not be a directory", 2704);
  if (name->find('/') != std::string_view::npos) {
    co_return comms_error(400, "Invalid file name, it must not contain directories", 2705);
  }
  // Agents fetch `<group>.yml`; a group without a stored file gets the empty mapping, which the
  // agent accepts (an empty document would fail its set-group and fetch-config orders).
  constexpr std::string_view kSuffix = ".yml";
  std::string file_name(*name);
  if (file_name.size() <= kSuffix.size() || !file_name.ends_with(kSuffix)) {
    co_return comms_error(404, "File does not exist", 404);
  }
  auto group = file_name.substr(0, file_name.size() - kSuffix.size());
  if (!core::is_valid_group_name(group)) co_return comms_error(404, "File does not exist", 404);
  auto stored = co_await context.group_configurations.get(group);
  if (!stored) {
    if (stored.error().kind == core::ErrorKind::not_found) co_return comms_error(404, "File does not exist", 404);
    co_return comms_error(503, "Files are unavailable: " + stored.error().message, 503);
  }
  auto reply = text_reply(200, stored->value_or("{}\n"));
  reply.content_type = "application/octet-stream";
  reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  co_return reply;
}

}  // namespace

void register_comms_agent_routes(http::Router& router, ApiContext& context) {
  auto route = [&](http::Method method, std::string pattern, auto handler, std::size_t max_body_bytes,
                   bool long_poll = false) {
    auto bound = [&context, handler](http::Request& request) { return handler(context, request); };
    auto endpoint = require_agent(context, bound).with_body_limit(max_body_bytes);
    endpoint.long_poll = long_poll;
    router.add(method, std::move(pattern), std::move(endpoint));
  };
  const auto& limits = context.body_limits;
  route(http::Method::get, "/api/v1/commands", commands, limits.no_body, true);
  route(http::Method::post, "/api/v1/events/stateful", stateful, limits.events);
  route(http::Method::post, "/api/v1/events/stateless", stateless, limits.events);
  route(http::Method::get, "/api/v1/files", files, limits.no_body);
}

}  // namespace herald::api
