#include "cli/agent_control_format.h"

#include <boost/json.hpp>

#include "cli/connection_options.h"
#include "cli/json_fields.h"
#include "core/time_format.h"

#ifndef HERALD_VERSION
#define HERALD_VERSION "0.0.0"
#endif

namespace herald::cli::agent_control {

namespace json = boost::json;

namespace {

constexpr const char* kUnknown = "Unknown";
constexpr const char* kServerIp = "127.0.0.1";

std::string or_unknown(std::string text) {
  return text.empty() ? kUnknown : text;
}

// upstream shows os_uname; Herald's agents report name/version/arch, so those stand in for it.
std::string operating_system(const json::object& agent) {
  const auto& fields = field_object(agent, "os");
  if (auto uname = field_text(fields, "uname"); !uname.empty()) return uname;
  std::string text;
  for (const char* key : {"name", "version"}) {
    auto part = field_text(fields, key);
    if (part.empty()) continue;
    text += (text.empty() ? "" : " ") + part;
  }
  if (auto arch = field_text(fields, "arch"); !arch.empty()) text += (text.empty() ? "" : " ") + ("(" + arch + ")");
  return or_unknown(text);
}

// upstream stores "Wazuh v4.x.y"; Herald's agents report the bare version.
std::string client_version(const json::object& agent) {
  auto version = field_text(agent, "version");
  if (version.empty()) return kUnknown;
  if (version.rfind("Wazuh", 0) == 0) return version;
  return "Wazuh v" + version;
}

std::string last_keepalive_epoch(const json::object& agent) {
  auto iso = field_text(agent, "lastKeepAlive");
  if (iso.empty()) return kUnknown;
  auto epoch = core::parse_utc(iso);
  return epoch ? std::to_string(*epoch) : kUnknown;
}

std::string json_line(const json::value& value) {
  return json::serialize(value) + "\n";
}

// The fields -i prints, in one place so the three formats agree.
struct AgentInfo {
  std::string id_text;  // text output's "Agent ID:" value
  std::string id, name, ip, status_text, status_json;
  std::string os, version, config_sum, merged_sum, last_keepalive;
};

std::string format_info(OutputFormat format, const AgentInfo& info) {
  const std::string syscheck = kUnknown;  // Herald keeps no syscheck scan times
  switch (format) {
    case OutputFormat::json: {
      json::object data{{"id", info.id},
                        {"name", info.name},
                        {"ip", info.ip},
                        {"status", info.status_json},
                        {"os", info.os},
                        {"version", info.version},
                        {"configSum", info.config_sum},
                        {"mergedSum", info.merged_sum},
                        {"lastKeepAlive", info.last_keepalive},
                        {"syscheckTime", syscheck},
                        {"syscheckEndTime", syscheck}};
      return json_line(json::object{{"error", 0}, {"data", std::move(data)}});
    }
    case OutputFormat::csv:
      return info.id + "," + info.name + "," + info.ip + "," + info.status_text + "," + info.os + "," + info.version +
             "," + info.last_keepalive + "," + syscheck + ",\n";
    case OutputFormat::text:
      break;
  }
  return "\nWazuh agent_control. Agent information:\n"
         "   Agent ID:   " +
         info.id_text +
         "\n"
         "   Agent Name: " +
         info.name +
         "\n"
         "   IP address: " +
         info.ip +
         "\n"
         "   Status:     " +
         info.status_text +
         "\n"
         "\n"
         "   Operating system:    " +
         info.os +
         "\n"
         "   Client version:      " +
         info.version +
         "\n"
         "   Configuration hash:  " +
         info.config_sum +
         "\n"
         "   Shared file hash:    " +
         info.merged_sum +
         "\n"
         "   Last keep alive:     " +
         info.last_keepalive +
         "\n"
         "\n"
         "   Syscheck last started at:  " +
         syscheck +
         "\n"
         "   Syscheck last ended at:    " +
         syscheck + "\n";
}

}  // namespace

std::string status_word(const json::object& agent) {
  auto status = field_text(agent, "status");
  if (status == "active") return "Active";
  if (status == "pending") return "Pending";
  if (status == "disconnected") return "Disconnected";
  if (status == "never_connected") return "Never connected";
  return kUnknown;
}

std::string agent_ip(const json::object& agent) {
  for (const char* key : {"ip", "registerIP"}) {
    if (auto ip = field_text(agent, key); !ip.empty()) return ip;
  }
  return "any";
}

std::string format_agent_list(OutputFormat format, const std::optional<ServerNode>& server, const json::array& agents) {
  std::string out;
  json::array data;
  if (format == OutputFormat::text) out = "\nWazuh agent_control. List of available agents:\n";
  if (server) {
    if (format == OutputFormat::text) {
      out += "   ID: 000, Name: " + server->name + " (server), IP: " + kServerIp + ", Active/Local\n";
    } else if (format == OutputFormat::csv) {
      out += "000," + server->name + " (server)," + kServerIp + ",Active/Local,\n";
    } else {
      data.push_back(json::object{{"id", "000"}, {"name", server->name}, {"ip", kServerIp}, {"status", "Active"}});
    }
  }
  for (const auto& item : agents) {
    if (!item.is_object()) continue;
    const auto& agent = item.get_object();
    auto id = field_text(agent, "id");
    auto name = field_text(agent, "name");
    auto ip = agent_ip(agent);
    auto status = status_word(agent);
    if (format == OutputFormat::text) {
      out += "   ID: " + id + ", Name: " + name + ", IP: " + ip + ", " + status + "\n";
    } else if (format == OutputFormat::csv) {
      out += id + "," + name + "," + ip + "," + status + ",\n";
    } else {
      data.push_back(json::object{{"id", id}, {"name", name}, {"ip", ip}, {"status", status}});
    }
  }
  switch (format) {
    case OutputFormat::json:
      return json_line(json::object{{"error", 0}, {"data", std::move(data)}});
    case OutputFormat::csv:
      return out + "\n";
    case OutputFormat::text:
      break;
  }
  return out + "\nList of agentless devices:\n\n";
}

std::string format_agent_info(OutputFormat format, const json::object& agent) {
  AgentInfo info;
  info.id = info.id_text = field_text(agent, "id");
  info.name = field_text(agent, "name");
  info.ip = agent_ip(agent);
  info.status_text = info.status_json = status_word(agent);
  info.os = operating_system(agent);
  info.version = client_version(agent);
  info.config_sum = or_unknown(field_text(agent, "configSum"));
  info.merged_sum = or_unknown(field_text(agent, "mergedSum"));
  info.last_keepalive = last_keepalive_epoch(agent);
  return format_info(format, info);
}

std::string format_server_info(OutputFormat format, const ServerNode& server) {
  AgentInfo info;
  info.id = "000";
  info.id_text = "000 (local instance)";
  info.name = server.name;
  info.ip = kServerIp;
  info.status_text = "Active/Local";
  info.status_json = "Active";
  info.os = kUnknown;
  info.version = server.version.empty() ? kUnknown : "Herald v" + server.version;
  info.config_sum = info.merged_sum = kUnknown;
  info.last_keepalive = std::to_string(server.now_epoch);
  return format_info(format, info);
}

std::string format_error(OutputFormat format, int code, const std::string& json_message,
                         const std::string& text_message) {
  if (format == OutputFormat::json) return json_line(json::object{{"error", code}, {"message", json_message}});
  return "\n** " + text_message + "\n";
}

std::string help_text() {
  return "\nHerald agent_control: list agents and their status (Wazuh-compatible).\n"
         "Available options:\n"
         "\t-h          This help message.\n"
         "\t-l          List available (active or not) agents.\n"
         "\t-lc         List active agents.\n"
         "\t-ln         List disconnected agents.\n"
         "\t-i <id>     Extracts information from an agent (its UUID, a Wazuh 4.x agent's 3-digit id, or 000 for the server).\n"
         "\t-s          Changes the output to CSV (comma delimited).\n"
         "\t-j          Changes the output to JSON.\n"
         "\t-V          Version.\n"
         "\n"
         "Restarts, scans and active responses (-R, -r, -b, -f, -L) are commands in Herald:\n"
         "\therald commands send --target agent:<id> --action restart\n"
         "\n"
         "Connection (flags, else the environment, else the client config file):\n" +
         connection_options_help();
}

std::string version_text() {
  return std::string("Herald agent_control v") + HERALD_VERSION + "\n";
}

}  // namespace herald::cli::agent_control
