#pragma once
// The smaller memories of rule matching, bounded (Wazuh keeps them in files, unbounded):
//  * FirstTimeSeen: <if_fts/> (Wazuh's fts.c and its queue/fts/fts-queue file);
//  * IgnoreList: <ignore>/<check_if_ignored> (Wazuh's queue/fts/ig-queue file);
//  * DiffMemory: <check_diff/> (Wazuh's queue/diff/<host>/<rule>/last-entry files).
// When full, each forgets its oldest entry first. Not safe for concurrent use.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/string_hash.h"

namespace herald::analysis {

class FirstTimeSeen {
 public:
  // Wazuh's analysisd.fts_list_size and fts_min_size_for_str defaults.
  static constexpr std::size_t kRecentKeys = 32;
  static constexpr std::size_t kSimilarPrefix = 14;

  explicit FirstTimeSeen(std::size_t max_keys) : max_keys_(max_keys) {}

  // Whether `key` is seen for the first time; it is remembered either way. For IDS events Wazuh
  // first compares the key with the last kRecentKeys IDS keys: when more than two share a prefix
  // longer than kSimilarPrefix bytes with it, only that prefix is remembered (and looked up).
  bool first_time(std::string key, bool ids_event);
  std::size_t size() const { return keys_.size(); }

 private:
  std::size_t max_keys_;
  std::unordered_set<std::string, core::StringHash, std::equal_to<>> keys_;
  std::deque<const std::string*> order_;  // oldest first, into keys_ (node addresses are stable)
  std::deque<std::string> recent_;        // the last IDS keys, newest last
};

class IgnoreList {
 public:
  explicit IgnoreList(std::size_t max_entries) : max_entries_(max_entries) {}
  void add(std::string entry);
  bool contains(std::string_view entry) const { return entries_.find(entry) != entries_.end(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t max_entries_;
  std::unordered_set<std::string, core::StringHash, std::equal_to<>> entries_;
  std::deque<const std::string*> order_;
};

class DiffMemory {
 public:
  DiffMemory(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // Remembers `output` as the last one of (host, rule) and returns the one it replaces when they
  // differ. The first output of a pair, and an unchanged one, return nullopt (no alert: Wazuh's
  // doDiff).
  std::optional<std::string> changed(std::string_view host, int rule_id, std::string_view output);
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::size_t max_entries_;
  std::size_t max_bytes_;
  std::unordered_map<std::string, std::string, core::StringHash, std::equal_to<>> entries_;
  std::deque<const std::string*> order_;  // keys, oldest first
  std::size_t bytes_ = 0;
};

}  // namespace herald::analysis
