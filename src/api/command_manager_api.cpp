#include "api/command_manager_api.h"

#include <boost/json.hpp>

#include <optional>

#include "api/management_auth.h"
#include "api/content_type.h"
#include "api/replies.h"
#include "core/command_parser.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// The indexer's error JSON: {"error":{"root_cause":[{type,reason}],"type","reason"},"status"}.
http::Response indexer_error(unsigned status, std::string_view type, std::string_view reason) {
  json::object cause{{"type", type}, {"reason", reason}};
  json::object error{{"root_cause", json::array{cause}}, {"type", type}, {"reason", reason}};
  return json_reply(status, json::object{{"error", std::move(error)}, {"status", status}});
}

http::Response parse_error_reply(const core::CommandParseError& error) {
  if (error.format == core::CommandParseError::Format::plain_text) return text_reply(400, error.message);
  return indexer_error(400, error.type, error.message);
}

http::Response success_reply(const engine::SubmittedRequest& submitted) {
  json::array ids;
  ids.reserve(submitted.document_ids.size());
  for (const auto& id : submitted.document_ids) ids.push_back(json::object{{"_id", id}});
  json::object body;
  body["_index"] = "wazuh-commands";
  // `orders` is the plugin's key since Feb 2025; `_documents` the one the server still reads.
  body["_documents"] = ids;
  body["orders"] = std::move(ids);
  body["request_id"] = std::to_string(submitted.request_id);
  body["result"] = "OK";
  return json_reply(200, body);
}

// The indexer reads a body only when it is declared in a type it knows (OpenSearch's
// RestController); this plugin route takes JSON.
std::optional<http::Response> unsupported_content_type(const http::Request& request) {
  if (request.body.empty()) return std::nullopt;  // the plugin's own "Body content is required"
  const auto type = media_type(request);
  if (type == "application/json" || type == "application/x-ndjson") return std::nullopt;
  const auto header = request.header("Content-Type");
  const std::string message =
      header ? "Content-Type header [" + std::string(*header) + "] is not supported" : "Content-Type header is missing";
  return json_reply(406, json::object{{"error", message}, {"status", 406}});
}

awaitable<http::Response> post_commands(ApiContext& context, http::Request& request) {
  if (auto refused = unsupported_content_type(request)) co_return std::move(*refused);
  auto parsed = core::parse_commands(request.body);
  if (auto* error = std::get_if<core::CommandParseError>(&parsed)) co_return parse_error_reply(*error);
  const auto& commands = std::get<std::vector<core::Command>>(parsed);

  auto submitted = co_await context.commands.submit_async(commands, context.pool);
  if (!submitted) {
    const auto& error = submitted.error();
    if (error.kind == core::ErrorKind::invalid_argument) co_return text_reply(400, error.message);
    // Nothing was stored: the client may retry the whole request.
    auto reply = indexer_error(503, "unavailable_exception", "Orders could not be stored: " + error.message);
    reply.headers.emplace_back("Retry-After", "1");
    co_return reply;
  }
  co_return success_reply(*submitted);
}

}  // namespace

void register_command_manager_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::post, "/_plugins/_command_manager/commands",
             require_user(context, [&context](http::Request& request) { return post_commands(context, request); })
                 .with_body_limit(context.body_limits.commands));
}

}  // namespace herald::api
