#pragma once
// An alert as a value: what RuleEngine::evaluate returns when a rule fires, everything
// alerts.json needs (alert_json.h writes it) and nothing that points into the ruleset or the
// engine's state.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/event.h"
#include "analysis/rule.h"

namespace herald::analysis {

struct Alert {
  // --- The rule that fired. ---
  int rule_id = 0;
  int level = 0;
  std::string description;  // with $(field) expanded (expand_description)
  // The rule's group text split on ',' (Wazuh splits its first 1023 bytes); compliance groups
  // (pci_dss_..., gdpr_..., ...) are still in here: alerts.json moves them to their own arrays.
  std::vector<std::string> groups;
  std::vector<std::string> mitre_ids;            // deprecated <mitre><id>
  std::vector<MitreTechnique> mitre_techniques;  // tactic/technique pairs
  std::optional<std::string> info;               // <info> texts, concatenated
  std::optional<std::string> cve;
  std::optional<int> firedtimes;  // how often the rule fired this hour; none with no_counter
  std::optional<int> frequency;   // the frequency attribute, for correlated rules
  bool mail = false;              // email_alert_level, alert_by_email / no_email_alert
  // Whether Wazuh writes it to alerts.log/alerts.json (log_alert_level, log_alert / no_log).
  // Alerts that are not logged still count for correlation and active responses.
  bool log = true;
  bool no_full_log = false;
  bool no_ar = false;

  // --- The event. ---
  std::int64_t time = 0;  // seconds since the epoch: when the event was evaluated
  int milliseconds = 0;
  Event event;  // the decoded event, as it was
  bool decoder_accumulate = false;
  std::string decoder_ftscomment;
  // The full logs of the earlier events of a correlation, newest first (at most 11), or for
  // check_diff "Previous output:" and the previous output.
  std::vector<std::string> previous_output;
  std::string previous_log;  // check_diff: the output this one differs from
};

// Wazuh's ParseRuleComment: each "$(name)" becomes the event's value of that field (the static
// fields, program_name, hostname, else the first dynamic field of that name ignoring case; an
// absent field becomes ""). An unterminated "$(" stays as written. A description of 1024 bytes
// or more, or one whose expansion would reach that, is returned unexpanded.
std::string expand_description(std::string_view description, const Event& event);

}  // namespace herald::analysis
