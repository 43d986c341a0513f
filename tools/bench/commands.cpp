#include "commands.h"

#include <boost/json.hpp>

namespace herald::bench {

namespace json = boost::json;

std::string command_body(TargetType type, std::string_view target_id, long timeout_seconds, std::size_t copies) {
  json::object command;
  command["action"] = json::object{{"name", "restart"}, {"args", json::object{}}, {"version", "6.0.0"}};
  command["source"] = "Users/Services";
  command["user"] = "bench";
  command["timeout"] = timeout_seconds;
  command["target"] = json::object{{"id", target_id}, {"type", type == TargetType::agent ? "agent" : "group"}};
  json::array commands;
  for (std::size_t i = 0; i < copies; ++i) commands.push_back(command);
  return json::serialize(json::object{{"commands", std::move(commands)}});
}

std::optional<CommandReply> parse_command_reply(std::string_view body) {
  json::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto& object = parsed.get_object();
  const auto* orders = object.if_contains("orders");
  const auto* request_id = object.if_contains("request_id");
  if (orders == nullptr || !orders->is_array() || request_id == nullptr || !request_id->is_string()) return std::nullopt;
  return CommandReply{orders->get_array().size(), std::string(request_id->get_string())};
}

std::optional<std::size_t> parse_total(std::string_view body) {
  json::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto* data = parsed.get_object().if_contains("data");
  if (data == nullptr || !data->is_object()) return std::nullopt;
  const auto* total = data->get_object().if_contains("total_affected_items");
  if (total == nullptr || !total->is_number()) return std::nullopt;
  return static_cast<std::size_t>(total->to_number<std::int64_t>());
}

}  // namespace herald::bench
