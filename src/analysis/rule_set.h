#pragma once
// A Wazuh 4.x ruleset, loaded: the rules of every file and the tree analysisd walks.
//
// RuleSet::load reads the files in the order given (Wazuh reads them in the order of its
// <ruleset> configuration, usually sorted by name) and places each rule as Wazuh's
// Rules_OP_ReadRules / OS_AddChild do:
//  * rules with an id below 10 are the top-level templates (one per category);
//  * a rule with <if_sid> becomes a child of each listed rule already loaded, <if_level> of every
//    rule of at least that level, <if_group> of every rule whose group text contains that word
//    (case-insensitive, '|' alternatives); a rule with none of them becomes a child of the first
//    top-level rule of its category; if_matched_sid without if_sid implies if_sid, and
//    if_matched_group without if_sid/if_group implies if_group;
//  * children are kept by level, highest first, ties in load order, level 0 before all (Wazuh
//    sorts by level*100 and counts level 0 as 99; accuracy="0" keeps the bare level);
//  * overwrite="yes" replaces the content of the loaded rule with that id in place: its tree
//    position, children, if_sid/if_group/if_level, if_matched_sid/if_matched_group and
//    correlation lists stay (Wazuh warns when the new rule tries to change those).
//
// Wazuh's warnings are warnings here too (appended to `warnings`, "path:line: what") and the
// rule concerned is skipped as Wazuh skips it: a duplicate id without overwrite, an if_sid whose
// ids are all unknown (unknown ids among known ones are dropped), an if_level/if_group that
// names nothing, an invalid if_sid/if_level/if_matched_sid value, a <list> whose list is not
// loaded. Everything Wazuh refuses to start with is an error (core::invalid_argument, "path:line:
// <element>: what"): an unknown element or attribute, a bad value, a pattern that does not
// compile, a missing description, an unknown decoder in <decoded_as>, correlation options
// without if_matched_*. Stricter than Wazuh: option texts of 2048 bytes or more (Wazuh logs an
// error and silently drops the text), a tree deeper than kMaxRuleTreeDepth or larger than
// kMaxRuleTreeNodes (Wazuh has no bound; if_level/if_group can make the tree grow
// exponentially).
//
// Immutable after load, safe for concurrent use; RuleEngine keeps the mutable state.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/cdb_list.h"
#include "analysis/rule.h"
#include "analysis/ruleset_file.h"
#include "core/result.h"

namespace herald::analysis {

inline constexpr std::size_t kMaxRuleTreeDepth = 128;
inline constexpr std::size_t kMaxRuleTreeNodes = 250'000;  // Wazuh's own ruleset makes 8,510

// Whether a decoder of that name exists, for <decoded_as>. Wazuh also knows its internal
// decoders (rootcheck, syscheck_*, windows_eventchannel, sca, ...): the callback should too.
using DecoderNames = std::function<bool(std::string_view name)>;

// The CDB lists rules may name, by the path a <list> element writes (for example
// "etc/lists/audit-keys"). Wazuh also accepts the compiled name ("...cdb"): so does find.
class ListRegistry {
 public:
  void add(std::string path, std::shared_ptr<const CdbList> list);
  std::shared_ptr<const CdbList> find(std::string_view path) const;
  bool empty() const { return lists_.empty(); }

 private:
  std::map<std::string, std::shared_ptr<const CdbList>, std::less<>> lists_;
};

// A rule as an API lists it.
struct RuleSummary {
  enum class Status : std::uint8_t { enabled, skipped };
  int id = 0;
  int level = 0;
  std::string description;
  std::vector<std::string> groups;
  std::string file;
  int line = 0;
  Status status = Status::enabled;
};
std::string_view to_string(RuleSummary::Status status);

class RuleSet {
 public:
  // A position of a rule in the tree. A rule under several parents has one node per parent
  // (its children may differ between them, as in Wazuh).
  struct Node {
    std::uint32_t rule = 0;         // index into rules()
    std::uint32_t first_child = 0;  // index into children of node_children()
    std::uint32_t child_count = 0;
  };

  // How a rule takes part in correlation (resolved at load, as Wazuh's OS_MarkID/OS_MarkGroup).
  struct Links {
    // The events that fired this rule are kept in this list (it is some rule's if_matched_sid
    // target), or -1.
    int sid_list = -1;
    // Otherwise they go to these lists (the if_matched_group lists whose pattern matched this
    // rule's groups when that rule was loaded; a list repeats once per tree node of this rule,
    // as in Wazuh).
    std::vector<int> group_lists;
    // The list this rule's if_matched_sid / if_matched_group search reads, or -1.
    int search_list = -1;
  };

  static core::Result<RuleSet> load(const std::vector<RulesetFile>& files, const DecoderNames& decoders,
                                    const ListRegistry& lists, LoadWarnings& warnings);

  RuleSet(RuleSet&&) noexcept = default;
  RuleSet& operator=(RuleSet&&) noexcept = default;
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  // Loaded rules, in load order.
  std::span<const Rule> rules() const { return rules_; }
  std::size_t size() const { return rules_.size(); }
  // The rule with that id, or nullptr; its index in rules() via index_of.
  const Rule* find(int id) const;
  std::ptrdiff_t index_of(int id) const;

  std::span<const std::uint32_t> top_level() const { return top_level_; }
  std::span<const Node> nodes() const { return nodes_; }
  std::span<const std::uint32_t> children(const Node& node) const {
    return std::span<const std::uint32_t>(node_children_).subspan(node.first_child, node.child_count);
  }
  const Links& links(std::size_t rule_index) const { return links_[rule_index]; }
  // Correlation lists (ids 0..list_count()-1), whether any rule searches every stored event
  // and whether any compares dynamic fields (same_field/different_field).
  std::size_t list_count() const { return list_count_; }
  bool searches_last_events() const { return searches_last_events_; }
  bool compares_dynamic_fields() const { return compares_dynamic_fields_; }
  // The longest timeframe of any correlated rule: older stored events can never match.
  int max_timeframe() const { return max_timeframe_; }

  // Every rule element read (loaded ones and the ones Wazuh skips), in file order.
  const std::vector<RuleSummary>& summaries() const { return summaries_; }

 private:
  friend class RuleSetBuilder;
  RuleSet() = default;

  std::vector<Rule> rules_;
  std::map<int, std::uint32_t> index_by_id_;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> node_children_;
  std::vector<std::uint32_t> top_level_;  // node indices
  std::vector<Links> links_;
  std::size_t list_count_ = 0;
  bool searches_last_events_ = false;
  bool compares_dynamic_fields_ = false;
  int max_timeframe_ = 0;
  std::vector<RuleSummary> summaries_;
};

}  // namespace herald::analysis
