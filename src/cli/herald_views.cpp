#include "cli/herald_views.h"

#include <boost/json.hpp>

#include "cli/json_fields.h"
#include "cli/table.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

constexpr std::size_t kIdsShown = 10;

std::string or_dash(std::string text) {
  return text.empty() ? "-" : text;
}

std::string target_text(const json::object& target) {
  auto type = field_text(target, "type");
  auto id = field_text(target, "id");
  if (type.empty() && id.empty()) return "-";
  return type + ":" + id;
}

std::string result_text(const json::object& command) {
  const auto& result = field_object(command, "result");
  if (result.empty()) return "-";
  auto message = field_text(result, "message");
  return field_text(result, "code") + (message.empty() ? "" : " " + message);
}

std::string os_text(const json::object& agent) {
  const auto& os = field_object(agent, "os");
  std::string text;
  for (const char* key : {"name", "version", "arch"}) {
    auto part = field_text(os, key);
    if (!part.empty()) text += (text.empty() ? "" : " ") + part;
  }
  return or_dash(text);
}

}  // namespace

std::string format_agents_table(const json::array& agents) {
  std::vector<TableRow> rows;
  for (const auto& item : agents) {
    if (!item.is_object()) continue;
    const auto& agent = item.get_object();
    auto ip = field_text(agent, "ip");
    rows.push_back({field_text(agent, "id"), field_text(agent, "name"),
                    or_dash(ip.empty() ? field_text(agent, "registerIP") : ip), field_text(agent, "status"),
                    or_dash(field_text(agent, "version")), or_dash(field_list(agent, "group")),
                    or_dash(field_text(agent, "lastKeepAlive"))});
  }
  return format_table({"ID", "NAME", "IP", "STATUS", "VERSION", "GROUPS", "LAST KEEP-ALIVE"}, rows);
}

std::string format_agent_details(const json::object& agent) {
  auto status = field_text(agent, "status");
  auto reason = field_text(agent, "status_reason");
  if (agent.contains("status_code")) status += " (code " + field_text(agent, "status_code") + ")";
  if (!reason.empty()) status += ": " + reason;
  auto disconnected = field_integer(agent, "disconnection_time");
  return format_fields({
      {"id", field_text(agent, "id")},
      {"name", field_text(agent, "name")},
      {"status", status},
      {"ip", or_dash(field_text(agent, "ip"))},
      {"registered ip", or_dash(field_text(agent, "registerIP"))},
      {"version", or_dash(field_text(agent, "version"))},
      {"os", os_text(agent)},
      {"groups", or_dash(field_list(agent, "group", ", "))},
      {"group config", or_dash(field_text(agent, "group_config_status"))},
      {"node", or_dash(field_text(agent, "node_name"))},
      {"enrolled", or_dash(field_text(agent, "dateAdd"))},
      {"last keep-alive", or_dash(field_text(agent, "lastKeepAlive"))},
      {"disconnected at", disconnected > 0 ? std::to_string(disconnected) : "-"},
  });
}

std::string format_agents_summary(const json::object& summary) {
  const auto& connection = field_object(summary, "connection");
  const auto& configuration = field_object(summary, "configuration");
  auto count = [](const json::object& object, const char* key) { return or_dash(field_text(object, key)); };
  return format_table({"CONNECTION", "AGENTS"}, {{"active", count(connection, "active")},
                                                 {"pending", count(connection, "pending")},
                                                 {"disconnected", count(connection, "disconnected")},
                                                 {"never connected", count(connection, "never_connected")},
                                                 {"total", count(connection, "total")}}) +
         "\n" +
         format_table({"CONFIGURATION", "AGENTS"}, {{"synced", count(configuration, "synced")},
                                                    {"not synced", count(configuration, "not_synced")},
                                                    {"total", count(configuration, "total")}});
}

std::string format_groups_table(const json::array& groups) {
  std::vector<TableRow> rows;
  for (const auto& item : groups) {
    if (!item.is_object()) continue;
    const auto& group = item.get_object();
    rows.push_back({field_text(group, "name"), field_text(group, "count"), or_dash(field_text(group, "configSum"))});
  }
  return format_table({"NAME", "AGENTS", "CONFIG SUM"}, rows);
}

std::string format_orders_table(const json::array& orders) {
  std::vector<TableRow> rows;
  for (const auto& item : orders) {
    if (!item.is_object()) continue;
    const auto& order = item.get_object();
    const auto& command = field_object(order, "command");
    auto id = field_text(order, "_id");
    rows.push_back({id.empty() ? field_text(order, "id") : id, field_text(command, "status"),
                    target_text(field_object(command, "target")), path_text(command, "action.name"),
                    or_dash(field_text(order, "@timestamp")), result_text(command)});
  }
  return format_table({"ORDER", "STATUS", "TARGET", "ACTION", "CREATED", "RESULT"}, rows);
}

std::string format_order_details(const json::object& order) {
  const auto& command = field_object(order, "command");
  const auto& action = field_object(command, "action");
  const auto* args = action.if_contains("args");
  auto id = field_text(order, "_id");
  return format_fields({
      {"order", id.empty() ? field_text(order, "id") : id},
      {"request", or_dash(field_text(command, "request_id"))},
      {"status", field_text(command, "status")},
      {"target", target_text(field_object(command, "target"))},
      {"action", field_text(action, "name") + " " + (args ? json::serialize(*args) : std::string("{}"))},
      {"action version", or_dash(field_text(action, "version"))},
      {"source", or_dash(field_text(command, "source"))},
      {"user", or_dash(field_text(command, "user"))},
      {"timeout", field_text(command, "timeout") + "s"},
      {"created", or_dash(field_text(order, "@timestamp"))},
      {"deadline", or_dash(field_text(order, "delivery_timestamp"))},
      {"agent groups", or_dash(field_list(field_object(order, "agent"), "groups", ", "))},
      {"result", result_text(command)},
  });
}

std::string reply_request_id(const json::object& reply) {
  return field_text(reply, "request_id");
}

std::string format_command_reply(const json::object& reply) {
  const auto* orders = reply.if_contains("orders");
  if (orders == nullptr || !orders->is_array()) orders = reply.if_contains("_documents");
  std::vector<std::string> ids;
  if (orders != nullptr && orders->is_array()) {
    for (const auto& item : orders->get_array()) {
      if (item.is_object()) ids.push_back(field_text(item.get_object(), "_id"));
    }
  }
  std::string listed;
  for (std::size_t i = 0; i < ids.size() && i < kIdsShown; ++i) listed += (i ? " " : "") + ids[i];
  if (ids.size() > kIdsShown) listed += " ...";
  auto request = reply_request_id(reply);
  std::string out = "request " + or_dash(request) + ": " + std::to_string(ids.size()) +
                    (ids.size() == 1 ? " order" : " orders") + (listed.empty() ? "" : " (" + listed + ")") + "\n";
  if (!request.empty()) out += "follow with: herald orders watch " + request + "\n";
  return out;
}

}  // namespace herald::cli
