#pragma once
// Rule matching for decoded events, as Wazuh 4.x analysisd does it (w_process_event_thread and
// OS_CheckIfRuleMatch):
//  * the top-level rules are tried in order, skipping those of another category than the
//    event's decoder type; the first one whose subtree yields a rule wins;
//  * in a subtree, a rule that holds tries its children in order (level-sorted by the load) and
//    the first child that yields a rule wins; otherwise the rule itself is the result unless it
//    is noalert; its firedtimes counter goes up;
//  * the result of level 0 gives no alert; within `ignore` seconds of its previous firing a rule
//    yields its parent instead (or nothing at the top); check_if_ignored drops the alert when
//    an <ignore> rule recorded the same values; the alert is then built and the event kept for
//    the correlations that read it.
//
// The engine owns mutable state: per-rule counters and ignore times, the correlation memory,
// the first-time-seen keys, the ignore list and check_diff outputs. Not safe for concurrent use:
// one engine per worker, sharing the (immutable) RuleSet. Wazuh shares that state between its
// threads; one engine per worker means correlation sees only that worker's events, so route an
// agent's events to one worker. Time is passed in, never read.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/alert.h"
#include "analysis/correlation.h"
#include "analysis/decoder_fts.h"
#include "analysis/event.h"
#include "analysis/rule_memory.h"
#include "analysis/rule_set.h"

namespace herald::analysis {

// What the engine needs to know of the decoder that decoded an event (the Event holds its name
// and parent): Wazuh's decoder_info type, fts, accumulate and ftscomment.
struct EventDecoderInfo {
  std::optional<RuleCategory> category = RuleCategory::syslog;  // nullopt: a type no rule takes
  const FtsKeyFields* fts = nullptr;
  bool accumulate = false;
  std::string_view ftscomment;
};

struct RuleEngineOptions {
  int log_alert_level = 3;     // <alerts><log_alert_level> of Wazuh's shipped ossec.conf
  int email_alert_level = 12;  // <alerts><email_alert_level> of the shipped ossec.conf
  // Offset of local time from UTC: <time>/<weekday> and the hourly firedtimes reset use it.
  int utc_offset_seconds = 0;
  CorrelationLimits correlation;
  std::size_t max_fts_keys = 100'000;
  std::size_t max_ignore_entries = 10'000;
  std::size_t max_diff_entries = 4'096;
  std::size_t max_diff_bytes = 16u << 20;
};

class RuleEngine {
 public:
  // `rules` must outlive the engine.
  explicit RuleEngine(const RuleSet& rules, RuleEngineOptions options = {});
  RuleEngine(const RuleEngine&) = delete;
  RuleEngine& operator=(const RuleEngine&) = delete;

  // The alert the event raises at `now_seconds`, or nullopt (no rule, level 0, ignored). An
  // event decoded by no decoder, or without the decoder's facts, counts as syslog without fts.
  std::optional<Alert> evaluate(const Event& event, std::int64_t now_seconds);
  std::optional<Alert> evaluate(const Event& event, const EventDecoderInfo& decoder, std::int64_t now_seconds);

  // How often the rule fired in the current hour (Wazuh resets the counters every hour).
  int firedtimes(int rule_id) const;
  // The rule the last evaluate() ended at, level 0 included (logtest and the corpus show it
  // although it raises no alert); null when no rule matched.
  const Rule* last_matched_rule() const { return last_matched_; }

  const CorrelationState& correlation() const { return correlation_; }
  const FirstTimeSeen& first_time_seen() const { return fts_; }

 private:
  struct Walk;
  std::optional<std::uint32_t> check(std::uint32_t node, Walk& walk);
  bool stateful_conditions_hold(const Rule& rule, std::uint32_t rule_index, Walk& walk);
  std::string ignore_entry(const IgnoreFields& fields, const Event& event) const;
  Alert make_alert(const Rule& rule, const Walk& walk) const;

  const RuleSet& rules_;
  RuleEngineOptions options_;
  std::vector<int> firedtimes_;
  const Rule* last_matched_ = nullptr;
  std::vector<std::int64_t> ignored_since_;  // per rule; kNever when not ignoring
  std::int64_t hour_ = 0;
  CorrelationState correlation_;
  FirstTimeSeen fts_;
  IgnoreList ignore_list_;
  DiffMemory diffs_;
};

}  // namespace herald::analysis
