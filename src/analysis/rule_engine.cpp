#include "analysis/rule_engine.h"

#include <algorithm>
#include <limits>
#include <span>

#include "analysis/rule_match.h"
#include "analysis/rule_text.h"

namespace herald::analysis {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
constexpr std::size_t kMaxDiffOutput = 65536;
constexpr std::size_t kGroupTextShown = 1023;  // alerts.json splits this much of the groups

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

LocalClock local_clock(std::int64_t now, int utc_offset) {
  const std::int64_t local = now + utc_offset;
  const std::int64_t days = floor_div(local, 86400);
  const std::int64_t seconds = local - days * 86400;
  LocalClock clock;
  clock.hour = static_cast<int>(seconds / 3600);
  clock.minute = static_cast<int>(seconds % 3600 / 60);
  clock.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  return clock;
}

void append_slot(std::string& key, bool wanted, std::optional<std::string_view> value) {
  key.push_back(' ');
  if (wanted && value) key.append(*value);
}

// check_diff keys its memory by host: an agent's name, the text between "(" and ")".
std::string_view diff_host(const Event& event) {
  std::string_view host = event.hostname.view();
  if (!host.empty() && host.front() == '(') {
    host.remove_prefix(1);
    host = host.substr(0, host.find(')'));
  }
  return host;
}

}  // namespace

struct RuleEngine::Walk {
  const Event& event;
  const EventDecoderInfo& decoder;
  LocalClock clock;
  std::int64_t now = 0;
  CorrelationMarks marks;
  std::string previous_log;
  std::optional<std::uint32_t> parent;  // the direct parent of the rule that fired (lf->prev_rule)
  int firedtimes = -1;
};

RuleEngine::RuleEngine(const RuleSet& rules, RuleEngineOptions options)
    : rules_(rules),
      options_(options),
      firedtimes_(rules.size(), 0),
      ignored_since_(rules.size(), kNever),
      correlation_(rules.list_count(), rules.max_timeframe(), rules.compares_dynamic_fields(),
                   rules.searches_last_events(), options.correlation),
      fts_(options.max_fts_keys),
      ignore_list_(options.max_ignore_entries),
      diffs_(options.max_diff_entries, options.max_diff_bytes) {}

int RuleEngine::firedtimes(int rule_id) const {
  const std::ptrdiff_t index = rules_.index_of(rule_id);
  return index < 0 ? 0 : firedtimes_[static_cast<std::size_t>(index)];
}

std::optional<Alert> RuleEngine::evaluate(const Event& event, std::int64_t now_seconds) {
  static const EventDecoderInfo kNoDecoderFacts;
  return evaluate(event, kNoDecoderFacts, now_seconds);
}

std::optional<Alert> RuleEngine::evaluate(const Event& event, const EventDecoderInfo& decoder,
                                          std::int64_t now_seconds) {
  const std::int64_t hour = floor_div(now_seconds + options_.utc_offset_seconds, 3600);
  if (hour != hour_) {
    std::fill(firedtimes_.begin(), firedtimes_.end(), 0);
    hour_ = hour;
  }
  last_matched_ = nullptr;
  if (!decoder.category) return std::nullopt;

  Walk walk{event, decoder, local_clock(now_seconds, options_.utc_offset_seconds), now_seconds, {}, {}, {}, -1};
  std::optional<std::uint32_t> fired;
  for (std::uint32_t top : rules_.top_level()) {
    if (rules_.rules()[rules_.nodes()[top].rule].category != *decoder.category) continue;
    if ((fired = check(top, walk))) break;
  }
  if (!fired) return std::nullopt;
  std::uint32_t index = *fired;
  last_matched_ = &rules_.rules()[index];
  if (rules_.rules()[index].level == 0) return std::nullopt;

  // ignore="N": within N seconds of its last alert the rule defers to its parent.
  if (rules_.rules()[index].ignore_seconds > 0) {
    std::int64_t& since = ignored_since_[index];
    if (since == kNever || now_seconds - since >= rules_.rules()[index].ignore_seconds) {
      since = now_seconds;
    } else if (walk.parent) {
      index = *walk.parent;
      walk.marks.previous_output.clear();
    } else {
      return std::nullopt;
    }
  }
  const Rule& rule = rules_.rules()[index];
  if (!rule.check_if_ignored.empty() && ignore_list_.contains(ignore_entry(rule.check_if_ignored, event))) {
    return std::nullopt;
  }
  if (!rule.ignore.empty()) ignore_list_.add(ignore_entry(rule.ignore, event));

  Alert alert = make_alert(rule, walk);

  // Keep the event for the correlations that read this rule's events.
  const RuleSet::Links& links = rules_.links(index);
  const std::span<const int> lists =
      links.sid_list >= 0 ? std::span<const int>(&links.sid_list, 1) : std::span<const int>(links.group_lists);
  if (!lists.empty() || rules_.searches_last_events()) {
    correlation_.store(event, decoder.category, walk.marks.matched, now_seconds, lists);
  }
  return alert;
}

// OS_CheckIfRuleMatch for one tree node: the rule index that fires, if any.
std::optional<std::uint32_t> RuleEngine::check(std::uint32_t node_index, Walk& walk) {
  const RuleSet::Node& node = rules_.nodes()[node_index];
  const Rule& rule = rules_.rules()[node.rule];
  if (!conditions_hold(rule, walk.event, walk.clock)) return std::nullopt;
  if (!stateful_conditions_hold(rule, node.rule, walk)) return std::nullopt;
  for (std::uint32_t child : rules_.children(node)) {
    if (auto fired = check(child, walk)) {
      if (!walk.parent) walk.parent = node.rule;
      return fired;
    }
  }
  if (rule.noalert) return std::nullopt;
  walk.firedtimes = ++firedtimes_[node.rule];
  return node.rule;
}

// check_diff, if_fts, lists and the correlation search, in Wazuh's order.
bool RuleEngine::stateful_conditions_hold(const Rule& rule, std::uint32_t rule_index, Walk& walk) {
  const Event& event = walk.event;
  if (rule.check_diff) {
    const std::string_view output = event.log();
    if (output.size() >= kMaxDiffOutput) return false;
    auto previous = diffs_.changed(diff_host(event), rule.id, output);
    if (!previous) return false;
    walk.marks.previous_output = {"Previous output:", *previous};
    walk.previous_log = std::move(*previous);
  }
  if (rule.if_fts) {
    const FtsKeyFields* fields = walk.decoder.fts;
    if (fields == nullptr || !fields->any) return false;
    if (!fts_.first_time(fts_key(event, *fields), walk.decoder.category == RuleCategory::ids)) return false;
  }
  if (!rule.lists.empty() && !lists_hold(rule, event)) return false;
  if (rule.context && !rule.check_diff && rule.search != CorrelationSearch::none) {
    if (!correlation_.search(rule, rules_.links(rule_index).search_list, event, walk.decoder.category, walk.now,
                             walk.marks)) {
      walk.marks.previous_output.clear();
      return false;
    }
  }
  return true;
}

// The entry <ignore> records and <check_if_ignored> looks for: Wazuh's eight slots (decoder
// name, id, user, srcip, dstip, data, system name, location) and the named dynamic fields.
std::string RuleEngine::ignore_entry(const IgnoreFields& fields, const Event& event) const {
  std::string entry;
  if (fields.name) entry.append(event.decoder_name);
  append_slot(entry, fields.id, event.static_field(StaticField::id));
  append_slot(entry, fields.user, event.static_field(StaticField::dstuser));
  append_slot(entry, fields.srcip, event.static_field(StaticField::srcip));
  append_slot(entry, fields.dstip, event.static_field(StaticField::dstip));
  append_slot(entry, fields.data, event.static_field(StaticField::data));
  append_slot(entry, false, std::nullopt);  // system_name: no ignore word sets it in Wazuh
  append_slot(entry, fields.location, std::string_view(event.location));
  for (const std::string& name : fields.dynamic) {
    if (auto value = event.dynamic_field(name)) {
      entry.push_back(' ');
      entry.append(*value);
    }
  }
  return entry;
}

Alert RuleEngine::make_alert(const Rule& rule, const Walk& walk) const {
  Alert alert;
  alert.rule_id = rule.id;
  alert.level = rule.level;
  alert.description = expand_description(rule.description, walk.event);
  alert.groups = split_groups(std::string_view(rule.group_text).substr(0, kGroupTextShown));
  alert.mitre_ids = rule.mitre_ids;
  alert.mitre_techniques = rule.mitre_techniques;
  alert.info = rule.info;
  alert.cve = rule.cve;
  if (!rule.no_counter && walk.firedtimes >= 0) alert.firedtimes = walk.firedtimes;
  if (rule.search != CorrelationSearch::none) alert.frequency = rule.frequency;
  alert.mail = rule.mail_option.value_or(rule.level >= options_.email_alert_level);
  alert.log = rule.log_option.value_or(rule.level >= options_.log_alert_level);
  alert.no_full_log = rule.no_full_log;
  alert.no_ar = rule.no_ar;
  alert.time = walk.now;
  alert.event = walk.event;
  alert.decoder_accumulate = walk.decoder.accumulate;
  alert.decoder_ftscomment = std::string(walk.decoder.ftscomment);
  alert.previous_output = walk.marks.previous_output;
  alert.previous_log = walk.previous_log;
  return alert;
}

}  // namespace herald::analysis
