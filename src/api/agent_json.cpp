#include "api/agent_json.h"

#include <boost/json.hpp>

#include "core/time_format.h"

namespace herald::api {

namespace json = boost::json;

json::object agent_json(const store::AgentRecord& agent) {
  json::object out;
  out["id"] = agent.id;
  out["name"] = agent.name;
  out["status"] = agent.connection_status;
  out["status_code"] = agent.status_code;
  out["ip"] = agent.ip;
  out["registerIP"] = agent.ip;
  out["type"] = agent.type;
  out["version"] = agent.version;
  out["os"] = json::object{{"name", agent.os_name}, {"version", agent.os_version}, {"platform", agent.os_platform},
                           {"arch", agent.os_arch}};
  json::error_code ec;
  auto host = json::parse(agent.host_json, ec);
  out["host"] = ec ? json::value(json::object{}) : host;
  json::array groups;
  for (const auto& g : agent.groups) groups.emplace_back(g);
  out["group"] = std::move(groups);
  out["node_name"] = agent.node_name;
  out["dateAdd"] = core::format_utc(agent.date_add);
  if (agent.last_keepalive) out["lastKeepAlive"] = core::format_utc(*agent.last_keepalive);
  out["disconnection_time"] = agent.disconnection_time;
  out["group_config_status"] = agent.group_config_status;
  return out;
}

}  // namespace herald::api
