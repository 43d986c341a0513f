#pragma once
// Internal to RuleEngine: the stateless conditions of a rule against an event, as Wazuh's
// OS_CheckIfRuleMatch checks them. The stateful ones (check_diff, if_fts, the correlation
// search) sit between these steps in Wazuh's order and belong to the engine:
//   decoded_as, program_name, id, system_name, protocol, match, regex, action, url, location,
//   fields, srcip, dstip, srcport, dstport, compiled_rule, user, srcgeoip, dstgeoip, maxsize,
//   time, weekday, data, extra_data, hostname, status   <- conditions_hold()
//   check_diff, if_fts                                  <- engine
//   lists                                               <- lists_hold()
//   if_matched_* search                                 <- engine
#include <optional>
#include <string_view>

#include "analysis/event.h"
#include "analysis/rule.h"

namespace herald::analysis {

// The wall-clock facts <time> and <weekday> read (Wazuh: the event's hour, today's weekday).
struct LocalClock {
  int hour = 0;
  int minute = 0;
  int weekday = 0;  // 0 Sunday .. 6 Saturday
};

// The value a same_*/different_* option compares (location is always present).
std::optional<std::string_view> correlated_value(const Event& event, CorrelatedField field);

bool conditions_hold(const Rule& rule, const Event& event, const LocalClock& clock);
bool lists_hold(const Rule& rule, const Event& event);

}  // namespace herald::analysis
