#pragma once
// Which alerts call for an active response, and where it goes (issue 17 §1): the ossec.conf
// <active-response> options as a typed rule, the few alert fields they look at, and the pure
// matching. Wazuh 4.x semantics (analysisd rules.c): a response fires for a rule whose id is in
// `rules_id`, or whose level is at least `level` and (when both are given) one of whose groups is
// in `rules_group`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/order.h"

namespace herald::engine {

enum class ResponseLocation { local, server, defined_agent, all };
std::optional<ResponseLocation> parse_response_location(std::string_view text);  // ossec.conf's spellings

struct ActiveResponseRule {
  std::string command;  // the action name the agent runs, e.g. "firewall-drop"
  ResponseLocation location = ResponseLocation::local;
  std::string agent_id;                  // defined-agent
  std::vector<std::uint32_t> rules_id;   // any of these rules
  std::vector<std::string> rules_group;  // any of these groups (exact group names)
  int level = 0;                         // minimum rule level; 0: not a condition
  std::int64_t timeout_seconds = 0;      // > 0: stateful, undone after this long; 0: stateless
};

// What matching and the response's arguments read from an alert JSON.
struct AlertFacts {
  std::string id;
  std::uint32_t rule_id = 0;
  int level = 0;
  std::vector<std::string> groups;
  std::string agent_id;  // "000" for the manager's own alerts
  std::string srcip;     // data.srcip
  std::string user;      // data.dstuser, else data.srcuser, as Wazuh's exec.c picks the user
};

// Reads an alert JSON line (analysis::AlertRecord::json). Nullopt when it is not a JSON object.
std::optional<AlertFacts> alert_facts(std::string_view alert_json);

bool response_matches(const ActiveResponseRule& rule, const AlertFacts& alert);

// Where the response to `alert` goes, as Command targets: local is the alert's agent (the
// manager's own alerts, agent 000, go to the server module "active-response", as Wazuh runs
// them on the manager); `all_agents` is asked only for location all. Empty: nowhere to send it.
std::vector<core::Target> response_targets(const ActiveResponseRule& rule, const AlertFacts& alert,
                                           const std::vector<std::string>& all_agents);

// The server module that server-located responses are addressed to (GET /api/v1/server/commands).
inline constexpr std::string_view kServerResponseModule = "active-response";

}  // namespace herald::engine
