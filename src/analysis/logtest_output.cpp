#include "analysis/logtest_output.h"

#include <boost/json.hpp>
#include <string>

#include "analysis/alert.h"
#include "analysis/rule.h"
#include "analysis/rule_text.h"

namespace herald::analysis {

namespace json = boost::json;

namespace {

constexpr std::size_t kGroupTextShown = 1023;  // as rule_engine.cpp: Wazuh splits this much

// What RuleEngine builds for an alert, for the rules that raise none (level 0): logtest still
// shows them. The event is the only thing a level-0 rule has to say beyond its own definition.
Alert rule_without_alert(const Rule& rule, int firedtimes, const Event& event, std::int64_t now_seconds) {
  Alert alert;
  alert.rule_id = rule.id;
  alert.level = rule.level;
  alert.description = expand_description(rule.description, event);
  alert.groups = split_groups(std::string_view(rule.group_text).substr(0, kGroupTextShown));
  alert.mitre_ids = rule.mitre_ids;
  alert.mitre_techniques = rule.mitre_techniques;
  alert.info = rule.info;
  alert.cve = rule.cve;
  if (!rule.no_counter) alert.firedtimes = firedtimes;
  alert.mail = rule.mail_option.value_or(false);
  alert.no_full_log = rule.no_full_log;
  alert.time = now_seconds;
  alert.event = event;
  return alert;
}

}  // namespace

std::string logtest_timestamp(std::int64_t seconds, int milliseconds) {
  std::string text = alert_timestamp(seconds, milliseconds, 0);  // "...SS.mmm+0000"
  text.resize(text.size() - 5);
  return text + "000Z";
}

json::object logtest_output(const Analyzer::Trace& trace, const AlertJsonOptions& options, std::int64_t now_seconds,
                            std::uint64_t alert_offset) {
  std::string text;
  int milliseconds = 0;
  std::int64_t seconds = now_seconds;
  if (trace.rule_result != nullptr) {
    text = alert_to_json(*trace.rule_result, options, alert_offset);
    seconds = trace.rule_result->time;
    milliseconds = trace.rule_result->milliseconds;
  } else if (trace.rule != nullptr) {
    text = alert_to_json(rule_without_alert(*trace.rule, trace.firedtimes, *trace.event, now_seconds), options,
                         alert_offset);
  } else {
    Alert no_rule;
    no_rule.time = now_seconds;
    no_rule.event = *trace.event;
    text = alert_to_json(no_rule, options, alert_offset);
  }
  json::object output = json::parse(text).as_object();
  output["timestamp"] = logtest_timestamp(seconds, milliseconds);
  if (trace.rule == nullptr) {
    output.erase("rule");
  } else if (json::value* rule = output.if_contains("rule"); rule != nullptr && !rule->as_object().contains("level")) {
    rule->as_object()["level"] = trace.rule->level;
  }
  return output;
}

}  // namespace herald::analysis
