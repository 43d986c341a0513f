#pragma once
// Which alerts an integration takes, and the request body it sends for one, as Wazuh's
// integratord (integrations/slack.py, pagerduty.py) builds them. Pure functions: no I/O.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "engine/integration_options.h"

namespace herald::engine {

// The level, rules_id and groups filters (all that are set must hold).
bool integration_matches(const IntegrationOptions& options, const boost::json::object& alert);

// {"attachments":[{"color","pretext":"WAZUH Alert","title","text","fields":[...],"ts"}]}
std::string slack_payload(const boost::json::object& alert);

// Events API v2 trigger. Severity as Wazuh 4.x computes it: "warning" from level 7, else "info"
// (its later branches for error/critical are unreachable there, and receivers see exactly that).
std::string pagerduty_payload(const boost::json::object& alert, const std::string& routing_key);

// `json_template` with every $(a.b.c) replaced by that alert field, JSON-escaped for use inside a
// JSON string (non-string values as their JSON text); a missing field becomes empty.
std::string render_webhook_template(std::string_view json_template, const boost::json::object& alert);

}  // namespace herald::engine
