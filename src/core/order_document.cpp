#include "core/order_document.h"

#include <boost/json.hpp>

#include "core/input_checks.h"
#include "core/time_format.h"

namespace herald::core {

namespace json = boost::json;

namespace {

json::value parse_or_empty(const std::string& text) {
  json::error_code ec;
  // The limits it was accepted under: a deeper document than the default 32 is no reason to lose it.
  auto value = json::parse(text, ec, {}, client_json_options());
  if (ec) return json::object{};
  return value;
}

json::object action_object(const Action& action) {
  json::object out;
  out["name"] = action.name;
  out["args"] = parse_or_empty(action.args_json);
  if (action.version) {
    out["version"] = *action.version;
  } else {
    out["version"] = nullptr;
  }
  return out;
}

json::object target_object(const Target& target) {
  return json::object{{"type", to_string(target.type)}, {"id", target.id}};
}

}  // namespace

json::object order_document(const Order& order) {
  json::object doc;
  doc["_id"] = document_id(order.key);
  if (order.agent_id) {
    json::object agent;
    if (order.agent_metadata_json) {
      auto metadata = parse_or_empty(*order.agent_metadata_json);
      if (metadata.is_object()) agent = metadata.get_object();
    }
    json::array groups;
    if (order.agent_groups) {
      for (const auto& g : *order.agent_groups) groups.emplace_back(g);
    }
    if (!agent.contains("groups")) agent["groups"] = std::move(groups);
    doc["agent"] = std::move(agent);
  }
  json::object command;
  command["source"] = order.command.source;
  if (order.command.user) {
    command["user"] = *order.command.user;
  } else {
    command["user"] = nullptr;
  }
  command["target"] = target_object(order.command.target);
  command["action"] = action_object(order.command.action);
  command["timeout"] = order.command.timeout_seconds;
  command["status"] = to_string(order.status);
  command["order_id"] = std::to_string(order.key.order_id);
  command["request_id"] = std::to_string(order.key.request_id);
  if (order.result) {
    json::object result{{"code", order.result->code}, {"message", order.result->message}};
    if (order.result->data_json) result["data"] = parse_or_empty(*order.result->data_json);
    command["result"] = std::move(result);
  }
  doc["command"] = std::move(command);
  doc["@timestamp"] = format_utc(order.created_at);
  doc["delivery_timestamp"] = format_utc(order.deadline);
  return doc;
}

json::object agent_command(const Order& order) {
  json::object out;
  out["document_id"] = document_id(order.key);
  out["request_id"] = std::to_string(order.key.request_id);
  out["order_id"] = std::to_string(order.key.order_id);
  out["source"] = order.command.source;
  if (order.command.user) out["user"] = *order.command.user;
  out["target"] = target_object(order.command.target);
  json::object action{{"name", order.command.action.name}};
  if (order.command.action.version) action["version"] = *order.command.action.version;
  action["args"] = parse_or_empty(order.command.action.args_json);
  out["action"] = std::move(action);
  out["timeout"] = order.command.timeout_seconds;
  out["status"] = to_string(order.status);
  return out;
}

}  // namespace herald::core
