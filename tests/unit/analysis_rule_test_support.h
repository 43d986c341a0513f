#pragma once
// Shared by the rule engine, correlation and alerts.json tests: a ruleset from XML text (after
// Wazuh-like templates) and events built by hand.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "analysis/event.h"
#include "analysis/rule_set.h"

namespace herald::analysis::testing {

inline constexpr std::string_view kRuleTemplates = R"(
<group name="syslog,">
  <rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog</description></rule>
</group>
<group name="ids,">
  <rule id="3" level="0" noalert="1"><category>ids</category><description>ids</description></rule>
</group>
)";

inline RuleSet rules_from(std::string_view xml, const ListRegistry& lists = {}) {
  LoadWarnings warnings;
  auto set = RuleSet::load(
      {{"templates.xml", std::string(kRuleTemplates)}, {"rules.xml", std::string(xml)}},
      [](std::string_view) { return true; }, lists, warnings);
  if (!set.ok()) {
    ADD_FAILURE() << set.error().message;
    std::abort();
  }
  for (const auto& warning : warnings) ADD_FAILURE() << "unexpected warning: " << warning;
  return std::move(set).value();
}

// An agent's event whose whole log is the message (no syslog header).
inline Event event_from(std::string_view log, std::string_view decoder = "test", std::string_view agent = "001") {
  Event event;
  event.agent_id = std::string(agent);
  event.agent_name = "web1";
  event.location = "(web1) 10.0.0.5->/var/log/auth.log";
  event.full_log = std::string(log);
  event.set_log(0, event.full_log.size());
  event.decoder_name = std::string(decoder);
  event.hostname.assign("web1");
  return event;
}

}  // namespace herald::analysis::testing
