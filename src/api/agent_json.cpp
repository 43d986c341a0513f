#include "api/agent_json.h"

#include <boost/json.hpp>

#include "core/input_checks.h"
#include "core/time_format.h"

namespace herald::api {

namespace json = boost::json;

namespace {

// "22.04.3" -> major "22", minor "04".
std::pair<std::string, std::string> major_minor(const std::string& version) {
  auto first = version.find('.');
  if (first == std::string::npos) return {version, ""};
  auto second = version.find('.', first + 1);
  return {version.substr(0, first), version.substr(first + 1, second == std::string::npos ? second : second - first - 1)};
}

}  // namespace

json::object agent_json(const store::AgentRecord& agent) {
  json::object out;
  out["id"] = agent.id;
  out["name"] = agent.name;
  out["status"] = agent.connection_status;
  out["status_code"] = agent.status_code;
  out["status_reason"] = agent.status_reason;
  out["ip"] = agent.ip.empty() ? std::string("any") : agent.ip;
  out["registerIP"] = agent.ip.empty() ? std::string("any") : agent.ip;
  out["type"] = agent.type;
  out["version"] = agent.version;
  auto [major, minor] = major_minor(agent.os_version);
  out["os"] = json::object{{"arch", agent.os_arch},     {"codename", ""}, {"major", major},
                           {"minor", minor},            {"name", agent.os_name},
                           {"platform", agent.os_platform}, {"uname", agent.os_name + " " + agent.os_version},
                           {"version", agent.os_version},   {"build", ""}};
  json::error_code ec;
  auto host = json::parse(agent.host_json, ec, {}, core::client_json_options());
  out["host"] = ec ? json::value(json::object{}) : host;
  json::array groups;
  for (const auto& g : agent.groups) groups.emplace_back(g);
  out["group"] = std::move(groups);
  out["manager"] = agent.node_name;
  out["node_name"] = agent.node_name;
  out["dateAdd"] = core::format_utc(agent.date_add);
  if (agent.last_keepalive) out["lastKeepAlive"] = core::format_utc(*agent.last_keepalive);
  out["disconnection_time"] = agent.disconnection_time;
  out["configSum"] = agent.config_sum;
  out["mergedSum"] = agent.merged_sum;
  auto labels = json::parse(agent.labels_json, ec, {}, core::client_json_options());
  out["labels"] = ec || !labels.is_object() ? json::value(json::object{}) : labels;
  out["group_config_status"] = agent.group_config_status;
  return out;
}

json::object select_fields(const json::object& agent, const std::vector<std::string>& fields) {
  if (fields.empty()) return agent;
  json::object out;
  out["id"] = agent.at("id");  // always present, as in Wazuh
  for (const auto& field : fields) {
    if (field.starts_with("os.")) {
      const auto* os = agent.if_contains("os");
      const auto* value = os && os->is_object() ? os->get_object().if_contains(field.substr(3)) : nullptr;
      if (value == nullptr) continue;
      auto& target = out["os"];
      if (!target.is_object()) target = json::object{};
      target.get_object()[field.substr(3)] = *value;
    } else if (const auto* value = agent.if_contains(field)) {
      out[field] = *value;
    }
  }
  return out;
}

}  // namespace herald::api
