#pragma once
// The memory behind Wazuh's correlation options (if_matched_sid, if_matched_group,
// if_matched_regex, frequency/timeframe, same_* / different_*): the alerted events kept for later
// searches, the per-rule lists that point at them, and the searches themselves (Wazuh's
// Search_LastSids, Search_LastGroups and Search_LastEvents in eventinfo.c).
//
// What a search does, newest event first: it stops at the first event older than the rule's
// timeframe, skips events of other agents (unless global_frequency), of another category or
// whose log fails if_matched_regex (last_events searches only), and those the same_* /
// different_* options reject; it stops, failing, at an event already used by a correlation of
// at least this rule's level (Wazuh's `matched`); otherwise the event counts. The rule fires
// when frequency - 1 earlier events counted (the current one makes the frequency). Firing marks
// the current event and the newest counted one as used, so the next firing needs a new run.
// The full logs of the counted events (at most 11) become the alert's previous_output.
//
// A search of a rule that is not global_frequency only looks at the current agent's events:
// besides the kept events and the per-rule lists (for global searches), every agent has its own
// chain of events and per-list chains (Wazuh walks every kept event and skips other agents'; the
// result is the same, since kept events are in time order, without the walk over a whole fleet's
// events).
//
// Memory is bounded: at most `max_events` events and `max_bytes` bytes (oldest dropped first),
// and events older than the longest timeframe of the ruleset are dropped as they can never
// match. Wazuh keeps its last memory_size (8192) alerted events, unbounded in bytes.
//
// Not safe for concurrent use: one per RuleEngine.
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/event.h"
#include "analysis/rule.h"

namespace herald::analysis {

struct CorrelationLimits {
  std::size_t max_events = 8192;      // Wazuh's memory_size default
  std::size_t max_bytes = 64u << 20;  // not in Wazuh
};

// What a search adds to the event being evaluated.
struct CorrelationMarks {
  int matched = 0;                           // Wazuh's my_lf->matched
  std::vector<std::string> previous_output;  // Wazuh's my_lf->last_events
};

class CorrelationState {
 public:
  CorrelationState(std::size_t list_count, int max_timeframe, bool keep_dynamic_fields, bool keep_logs,
                   CorrelationLimits limits);

  // The search of `rule` over list `list` (ignored for last_events searches, which read every
  // kept event). `category` is the current event's (nullopt: none). Returns whether it fires;
  // fills marks either way (the engine clears previous_output on failure, as Wazuh does).
  bool search(const Rule& rule, int list, const Event& event, std::optional<RuleCategory> category, std::int64_t now,
              CorrelationMarks& marks);

  // Keeps an alerted event and appends it to the given lists.
  void store(const Event& event, std::optional<RuleCategory> category, int matched, std::int64_t now,
             std::span<const int> lists);

  std::size_t stored_events() const { return events_.size(); }
  std::size_t stored_bytes() const { return bytes_; }

 private:
  // An event as kept: its values in one buffer.
  struct Slice {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    bool present = false;
  };
  struct Kept {
    std::int64_t time = 0;
    std::optional<RuleCategory> category;
    int matched = 0;
    std::string text;
    Slice agent_id, full_log, log;
    std::array<Slice, kCorrelatedFieldCount> fields;
    std::uint32_t dynamic_count = 0;               // how many the event had (Wazuh's nfields)
    std::vector<std::pair<Slice, Slice>> dynamic;  // kept only when a rule compares them
    std::vector<int> lists;                        // the lists it was appended to
    std::size_t bytes = 0;

    std::string_view view(const Slice& slice) const { return {text.data() + slice.offset, slice.length}; }
    std::optional<std::string_view> value(const Slice& slice) const {
      return slice.present ? std::optional<std::string_view>(view(slice)) : std::nullopt;
    }
    std::optional<std::string_view> dynamic_field(std::string_view name) const;
  };

  // One agent's events and, per list, its events on that list: sequences, oldest first.
  struct AgentChains {
    std::deque<std::uint64_t> events;
    std::unordered_map<int, std::deque<std::uint64_t>> lists;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  using AgentMap = std::unordered_map<std::string, AgentChains, StringHash, std::equal_to<>>;

  // Walks `sequences` newest first through `step` (1 fired, -1 stop, 0 go on).
  template <class Step>
  bool walk(const std::deque<std::uint64_t>& sequences, Step& step);
  // The agent's chains, null when it has no kept event. The last one found is remembered: one
  // event runs several searches, all for its agent (map nodes stay put, so the pointer holds
  // until that agent's entry is erased).
  AgentChains* chains_of(std::string_view agent_id);
  // Drops the oldest kept event and its places in the chains.
  void drop_oldest();

  // One step of a search over a kept event: 0 skip, 1 counts, -1 stop (failed).
  int examine(const Rule& rule, const Kept& kept, const Event& event, std::optional<RuleCategory> category,
              std::int64_t now) const;
  // Drops what the limits and the longest timeframe no longer allow. Lists are trimmed when
  // appended to; a search stops at the first entry whose event is gone.
  void evict(std::int64_t now);
  Kept* find(std::uint64_t sequence);

  int max_timeframe_;
  bool keep_dynamic_fields_;
  bool keep_logs_;
  CorrelationLimits limits_;
  std::deque<Kept> events_;  // oldest first
  std::uint64_t first_sequence_ = 0;
  std::size_t bytes_ = 0;
  std::vector<std::deque<std::uint64_t>> lists_;  // sequences, oldest first
  AgentMap agents_;
  std::string cached_agent_;
  AgentChains* cached_chains_ = nullptr;
};

}  // namespace herald::analysis
