#include "analysis/correlation.h"

#include <algorithm>

#include "analysis/os_match.h"
#include "analysis/rule_match.h"

namespace herald::analysis {
namespace {

// Wazuh records at most this many previous logs (indices 0..10 of last_events).
constexpr std::size_t kMaxPreviousOutput = 11;

bool same_value(std::optional<std::string_view> a, std::optional<std::string_view> b) {
  return a && b && *a == *b;
}

}  // namespace

CorrelationState::CorrelationState(std::size_t list_count, int max_timeframe, bool keep_dynamic_fields, bool keep_logs,
                                   CorrelationLimits limits)
    : max_timeframe_(max_timeframe),
      keep_dynamic_fields_(keep_dynamic_fields),
      keep_logs_(keep_logs),
      limits_(limits),
      lists_(list_count) {}

std::optional<std::string_view> CorrelationState::Kept::dynamic_field(std::string_view name) const {
  for (const auto& [key, value] : dynamic) {
    if (nocase::equal(view(key), name)) return view(value);
  }
  return std::nullopt;
}

CorrelationState::Kept* CorrelationState::find(std::uint64_t sequence) {
  if (sequence < first_sequence_ || sequence - first_sequence_ >= events_.size()) return nullptr;
  return &events_[static_cast<std::size_t>(sequence - first_sequence_)];
}

int CorrelationState::examine(const Rule& rule, const Kept& kept, const Event& event,
                              std::optional<RuleCategory> category, std::int64_t now) const {
  if (now - kept.time > rule.timeframe) return -1;
  if (!rule.global_frequency && kept.view(kept.agent_id) != event.agent_id) return 0;
  if (rule.search == CorrelationSearch::last_events) {
    if (kept.category != category) return 0;
    if (rule.if_matched_regex && !rule.if_matched_regex->search(kept.view(kept.log))) return 0;
  }
  for (std::size_t i = 0; i < kCorrelatedFieldCount; ++i) {
    const auto field = static_cast<CorrelatedField>(i);
    const bool same = (rule.same_fields & bit(field)) != 0;
    const bool different = (rule.different_fields & bit(field)) != 0;
    if (!same && !different) continue;
    const bool equal = same_value(kept.value(kept.fields[i]), correlated_value(event, field));
    if (same && !equal) return 0;
    if (different && equal) return 0;
  }
  const std::size_t dynamic_count = event.dynamic_fields().size();
  if (!rule.same_dynamic.empty()) {
    if (dynamic_count == 0 || kept.dynamic_count == 0) return 0;
    for (const std::string& name : rule.same_dynamic) {
      if (!same_value(event.dynamic_field(name), kept.dynamic_field(name))) return 0;
    }
  }
  if (!rule.different_dynamic.empty()) {
    if (dynamic_count == 0 && kept.dynamic_count == 0) return 0;
    for (const std::string& name : rule.different_dynamic) {
      if (same_value(event.dynamic_field(name), kept.dynamic_field(name))) return 0;
    }
  }
  // An event already used by a correlation of this level or higher ends the search.
  if (kept.matched >= rule.level) return -1;
  return 1;
}

bool CorrelationState::search(const Rule& rule, int list, const Event& event, std::optional<RuleCategory> category,
                              std::int64_t now, CorrelationMarks& marks) {
  // Wazuh keeps frequency - 2: that many earlier events are counted before the one that fires.
  const int needed = rule.frequency - 2;
  const bool last_events = rule.search == CorrelationSearch::last_events;
  int count = 0;
  Kept* first_counted = nullptr;

  auto step = [&](Kept& kept) -> int {  // 1 fired, -1 stop, 0 go on
    const int verdict = examine(rule, kept, event, category, now);
    if (verdict < 0) return -1;
    if (verdict == 0) return 0;
    const bool record = static_cast<std::size_t>(count) < kMaxPreviousOutput &&
                        static_cast<std::size_t>(count) == marks.previous_output.size();
    if (count < needed) {
      if (record) marks.previous_output.emplace_back(kept.view(kept.full_log));
      ++count;
      if (first_counted == nullptr) first_counted = &kept;
      return 0;
    }
    // if_matched_sid/group searches also record the event that completes the count.
    if (record && !last_events) marks.previous_output.emplace_back(kept.view(kept.full_log));
    marks.matched = rule.level;
    if (first_counted != nullptr) first_counted->matched = rule.level;
    return 1;
  };

  if (!rule.global_frequency) {
    AgentChains* chains = chains_of(event.agent_id);
    if (chains == nullptr) return false;
    if (last_events) return walk(chains->events, step);
    const auto chain = chains->lists.find(list);
    return chain != chains->lists.end() && walk(chain->second, step);
  }
  if (last_events) {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      const int result = step(*it);
      if (result != 0) return result > 0;
    }
    return false;
  }
  if (list < 0 || static_cast<std::size_t>(list) >= lists_.size()) return false;
  return walk(lists_[static_cast<std::size_t>(list)], step);
}

CorrelationState::AgentChains* CorrelationState::chains_of(std::string_view agent_id) {
  if (cached_chains_ != nullptr && cached_agent_ == agent_id) return cached_chains_;
  const auto agent = agents_.find(agent_id);
  if (agent == agents_.end()) return nullptr;
  cached_agent_.assign(agent_id);
  cached_chains_ = &agent->second;
  return cached_chains_;
}

template <class Step>
bool CorrelationState::walk(const std::deque<std::uint64_t>& sequences, Step& step) {
  for (auto it = sequences.rbegin(); it != sequences.rend(); ++it) {
    Kept* kept = find(*it);
    if (kept == nullptr) return false;  // evicted: so is everything older
    const int result = step(*kept);
    if (result != 0) return result > 0;
  }
  return false;
}

void CorrelationState::store(const Event& event, std::optional<RuleCategory> category, int matched, std::int64_t now,
                             std::span<const int> lists) {
  Kept kept;
  kept.time = now;
  kept.category = category;
  kept.matched = matched;
  std::size_t reserve = event.agent_id.size() + event.full_log.size();
  for (std::size_t i = 0; i < kCorrelatedFieldCount; ++i) {
    if (auto value = correlated_value(event, static_cast<CorrelatedField>(i))) reserve += value->size();
  }
  kept.text.reserve(reserve);
  auto append = [&](std::optional<std::string_view> value) {
    Slice slice;
    if (!value) return slice;
    slice.offset = static_cast<std::uint32_t>(kept.text.size());
    slice.length = static_cast<std::uint32_t>(value->size());
    slice.present = true;
    kept.text.append(*value);
    return slice;
  };
  kept.agent_id = append(std::string_view(event.agent_id));
  kept.full_log = append(std::string_view(event.full_log));
  if (keep_logs_) {
    // The log is usually a part of full_log: point into it rather than copy.
    const std::string_view log = event.log();
    const char* begin = event.full_log.data();
    if (log.data() >= begin && log.data() + log.size() <= begin + event.full_log.size()) {
      kept.log = {static_cast<std::uint32_t>(kept.full_log.offset + (log.data() - begin)),
                  static_cast<std::uint32_t>(log.size()), true};
    } else {
      kept.log = append(log);
    }
  }
  for (std::size_t i = 0; i < kCorrelatedFieldCount; ++i) {
    kept.fields[i] = append(correlated_value(event, static_cast<CorrelatedField>(i)));
  }
  const auto dynamic = event.dynamic_fields();
  kept.dynamic_count = static_cast<std::uint32_t>(dynamic.size());
  if (keep_dynamic_fields_) {
    kept.dynamic.reserve(dynamic.size());
    for (const DynamicField& field : dynamic) {
      const Slice name = append(std::string_view(field.name));
      kept.dynamic.emplace_back(name, append(std::string_view(field.value)));
    }
  }
  kept.bytes = sizeof(Kept) + kept.text.capacity() + kept.dynamic.capacity() * sizeof(kept.dynamic[0]);

  for (int list : lists) {
    if (list >= 0 && static_cast<std::size_t>(list) < lists_.size()) kept.lists.push_back(list);
  }
  kept.bytes += kept.lists.capacity() * sizeof(int);

  bytes_ += kept.bytes;
  const std::uint64_t sequence = first_sequence_ + events_.size();
  AgentChains* found = chains_of(event.agent_id);
  AgentChains& chains = found != nullptr ? *found : agents_[std::string(event.agent_id)];
  chains.events.push_back(sequence);
  for (int list : kept.lists) {
    lists_[static_cast<std::size_t>(list)].push_back(sequence);
    chains.lists[list].push_back(sequence);
  }
  events_.push_back(std::move(kept));
  evict(now);
}

void CorrelationState::evict(std::int64_t now) {
  auto too_old = [&](const Kept& kept) { return now - kept.time > max_timeframe_; };
  while (!events_.empty() &&
         (events_.size() > limits_.max_events || bytes_ > limits_.max_bytes || too_old(events_.front()))) {
    drop_oldest();
  }
}

void CorrelationState::drop_oldest() {
  const Kept& oldest = events_.front();
  const std::uint64_t sequence = first_sequence_;
  // Every chain holds sequences in order, so the oldest event is at the front of each of its own.
  const auto pop = [sequence](std::deque<std::uint64_t>& chain) {
    if (!chain.empty() && chain.front() == sequence) chain.pop_front();
  };
  for (int list : oldest.lists) pop(lists_[static_cast<std::size_t>(list)]);
  if (const auto agent = agents_.find(oldest.view(oldest.agent_id)); agent != agents_.end()) {
    AgentChains& chains = agent->second;
    pop(chains.events);
    for (int list : oldest.lists) {
      if (const auto chain = chains.lists.find(list); chain != chains.lists.end()) {
        pop(chain->second);
        if (chain->second.empty()) chains.lists.erase(chain);
      }
    }
    if (chains.events.empty()) {
      if (&chains == cached_chains_) cached_chains_ = nullptr;
      agents_.erase(agent);
    }
  }
  bytes_ -= oldest.bytes;
  events_.pop_front();
  ++first_sequence_;
}

}  // namespace herald::analysis
