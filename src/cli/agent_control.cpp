#include "cli/agent_control.h"

#include <boost/json.hpp>
#include <chrono>
#include <ostream>
#include <stdexcept>

#include "cli/agent_control_args.h"
#include "cli/agent_control_format.h"
#include "cli/agent_queries.h"
#include "cli/failure.h"
#include "core/names.h"

namespace herald::cli::agent_control {

namespace json = boost::json;

namespace {

// The fields the list needs; the rest of each agent is not transferred.
constexpr const char* kListFields = "id,name,ip,registerIP,status";

// An error to report in the requested format (and exit 1 with): upstream's code and JSON
// message, and the text form, which may say more.
class Reported : public std::runtime_error {
 public:
  Reported(int code, const std::string& json_message, const std::string& text_message)
      : std::runtime_error(json_message), code_(code), text_(text_message) {}
  int code() const { return code_; }
  const std::string& text() const { return text_; }

 private:
  int code_;
  std::string text_;
};

// The server as agent 000, from GET /health.
ServerNode server_node(ManagementClient& client) {
  auto health = server_health(client);
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return ServerNode{health.node, std::chrono::duration_cast<std::chrono::seconds>(now).count(), health.version};
}

std::string list(ManagementClient& client, const Arguments& args) {
  AgentFilter filter;
  filter.select = kListFields;
  std::string wanted;
  if (args.active_only) wanted = "active";
  if (args.disconnected_only) wanted = "disconnected";
  filter.status = wanted;
  std::optional<ServerNode> server;
  if (!args.disconnected_only) server = server_node(client);
  auto data = list_agents(client, filter);
  json::array agents;
  for (auto& item : data.at("affected_items").as_array()) {
    // The server filters by status; checking again keeps -lc/-ln exact whatever it returned.
    const json::value* status = item.is_object() ? item.get_object().if_contains("status") : nullptr;
    if (!wanted.empty() && !(status && status->is_string() && status->get_string() == wanted)) continue;
    agents.push_back(std::move(item));
  }
  return format_agent_list(args.format, server, agents);
}

std::string info(ManagementClient& client, const Arguments& args) {
  const auto& id = *args.agent_id;
  if (id == "000") return format_server_info(args.format, server_node(client));
  auto agent = find_agent(client, id);
  if (!agent) throw Reported{kInvalidAgentId, "Invalid agent id", "Invalid agent id '" + id + "'."};
  return format_agent_info(args.format, *agent);
}

// A Wazuh 4.x agent's id: digits, at least three ("001", "1000").
bool is_legacy_agent_id(const std::string& id) {
  return id.size() >= 3 && id.size() <= 9 && id.find_first_not_of("0123456789") == std::string::npos;
}

// Problems found without asking the server.
void check_locally(const Arguments& args) {
  switch (args.action) {
    case Action::invalid:
      throw Reported{kGeneralError, args.problem, args.problem + ". See agent_control -h."};
    case Action::unsupported:
      throw Reported{kGeneralError, args.problem, args.problem + "."};
    case Action::info:
      if (args.agent_id->empty()) throw Reported{kNoAgentGiven, "Agent not specified", "Agent not specified."};
      if (*args.agent_id != "000" && !core::is_uuid_v4(*args.agent_id) && !is_legacy_agent_id(*args.agent_id)) {
        throw Reported{kInvalidAgentId, "Invalid agent id", "Invalid agent id '" + *args.agent_id + "'."};
      }
      break;
    default:
      break;
  }
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const EnvironmentLookup& environment) {
  auto parsed = parse_arguments(args);
  if (parsed.action == Action::help) {
    out << help_text();
    return parsed.nothing_given ? 1 : 0;
  }
  if (parsed.action == Action::version) {
    out << version_text();
    return 0;
  }
  try {
    try {
      check_locally(parsed);
      ManagementClient client(resolve_connection_settings(parsed.connection, environment));
      out << (parsed.action == Action::list ? list(client, parsed) : info(client, parsed));
      return 0;
    } catch (const Reported&) {
      throw;
    } catch (const std::exception& failure) {
      throw Reported{kGeneralError, failure.what(), failure.what()};
    }
  } catch (const Reported& reported) {
    auto text = format_error(parsed.format, reported.code(), reported.what(), reported.text());
    (parsed.format == OutputFormat::json ? out : err) << text;
    return 1;
  }
}

}  // namespace herald::cli::agent_control
