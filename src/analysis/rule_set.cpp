#include "analysis/rule_set.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "analysis/os_match.h"
#include "analysis/rule_parser.h"
#include "analysis/rule_text.h"
#include "analysis/ruleset_xml.h"

namespace herald::analysis {

void ListRegistry::add(std::string path, std::shared_ptr<const CdbList> list) {
  lists_.insert_or_assign(std::move(path), std::move(list));
}

std::shared_ptr<const CdbList> ListRegistry::find(std::string_view path) const {
  if (auto it = lists_.find(path); it != lists_.end()) return it->second;
  constexpr std::string_view kCompiled = ".cdb";
  if (path.size() > kCompiled.size() && path.substr(path.size() - kCompiled.size()) == kCompiled) {
    if (auto it = lists_.find(path.substr(0, path.size() - kCompiled.size())); it != lists_.end()) return it->second;
  }
  return nullptr;
}

std::string_view to_string(RuleSummary::Status status) {
  return status == RuleSummary::Status::enabled ? "enabled" : "skipped";
}

const Rule* RuleSet::find(int id) const {
  const std::ptrdiff_t index = index_of(id);
  return index < 0 ? nullptr : &rules_[static_cast<std::size_t>(index)];
}

std::ptrdiff_t RuleSet::index_of(int id) const {
  auto it = index_by_id_.find(id);
  return it == index_by_id_.end() ? -1 : static_cast<std::ptrdiff_t>(it->second);
}

// Builds the tree with the algorithm of Wazuh's rules_list.c (_AddtoRule, _OS_AddRule,
// OS_AddRuleInfo, OS_MarkID, OS_MarkGroup), on indices instead of pointers.
class RuleSetBuilder {
 public:
  RuleSetBuilder(const DecoderNames& decoders, const ListRegistry& lists, LoadWarnings& warnings)
      : decoders_(decoders), lists_(lists), warnings_(warnings) {}

  core::Status add_file(const RulesetFile& file);
  RuleSet finish();

 private:
  static constexpr std::uint32_t kTop = UINT32_MAX;  // the top-level list

  struct BuildNode {
    std::uint32_t rule;
    std::uint32_t depth;
    std::uint32_t parent;  // kTop for a top-level node
    std::vector<std::uint32_t> children;
    std::uint32_t mark = 0;  // == epoch_: an ancestor of a node the current if_sid search wants
  };
  // Per loaded rule, what loading needs besides the Rule.
  struct Loading {
    int sort_level = 0;
    std::string if_sid_text;
    bool has_if_sid = false;
  };
  enum class Mode { sid, group, level, category };
  struct Placement {
    Mode mode = Mode::category;
    int sid = 0;
    std::string_view group;
    int level = 0;
  };

  core::Status add_rule(const XmlElement& element, std::string_view path, std::string_view group_name);
  void summarize_skipped(const Rule& rule);
  core::Result<bool> place(std::uint32_t rule_index, const ParsedRule& parsed, const XmlElement& element,
                           std::string_view path);
  bool add_under(std::uint32_t list, const Placement& placement, std::uint32_t rule_index);
  // Marks the ancestors of every node of rule `sid`: an if_sid search need not enter the other
  // subtrees, which it would walk through without adding anything.
  bool mark_ancestors(int sid);
  void insert_sorted(std::uint32_t list, std::uint32_t rule_index, std::uint32_t depth);
  std::vector<std::uint32_t>& list_of(std::uint32_t list) { return list == kTop ? top_ : nodes_[list].children; }
  void overwrite(std::uint32_t original, ParsedRule& parsed, const XmlElement& element, std::string_view path);
  void link_correlation(std::uint32_t rule_index);
  void warn(std::string_view path, const XmlElement& element, std::string what) {
    warnings_.push_back(std::string(path) + ":" + std::to_string(element.line) + ": " + std::move(what));
  }

  const DecoderNames& decoders_;
  const ListRegistry& lists_;
  LoadWarnings& warnings_;

  std::vector<Rule> rules_;
  std::vector<Loading> loading_;
  std::vector<RuleSet::Links> links_;
  std::map<int, std::uint32_t> index_by_id_;
  std::vector<BuildNode> nodes_;
  std::map<int, std::vector<std::uint32_t>> nodes_by_id_;
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> top_;
  std::size_t list_count_ = 0;
  // In file order: a loaded rule (its summary is made at the end, after any overwrite) or a
  // skipped one.
  struct SummarySlot {
    std::ptrdiff_t rule = -1;
    RuleSummary skipped;
  };
  std::vector<SummarySlot> summaries_;
  bool tree_overflow_ = false;
};

core::Status RuleSetBuilder::add_file(const RulesetFile& file) {
  auto elements = parse_ruleset_xml(file.text, file.path);
  if (!elements) return elements.error();
  auto error = [&](const XmlElement& element, std::string what) {
    return core::invalid_argument(file.path + ":" + std::to_string(element.line) + ": " + element.name + ": " +
                                  std::move(what));
  };
  for (const XmlElement& group : *elements) {
    if (!nocase::equal(group.name, "group")) return error(group, "invalid root element: only <group> is allowed");
    if (group.attributes.size() != 1 || !nocase::equal(group.attributes[0].first, "name")) {
      return error(group, "a root <group> takes exactly one attribute, name");
    }
  }
  for (const XmlElement& group : *elements) {
    if (group.children.empty()) return error(group, "group '" + group.attributes[0].second + "' without any rule");
    for (const XmlElement& rule : group.children) {
      if (!nocase::equal(rule.name, "rule")) return error(rule, "'" + rule.name + "' is not a valid element");
      if (auto added = add_rule(rule, file.path, group.attributes[0].second); !added) return added;
    }
  }
  return core::ok_status();
}

void RuleSetBuilder::summarize_skipped(const Rule& rule) {
  summaries_.push_back(
      {-1, {rule.id, rule.level, rule.description, rule.groups, rule.file, rule.line, RuleSummary::Status::skipped}});
}

core::Status RuleSetBuilder::add_rule(const XmlElement& element, std::string_view path, std::string_view group_name) {
  RuleParseContext context;
  context.path = path;
  context.group_name = group_name;
  context.decoders = &decoders_;
  context.lists = &lists_;
  context.rule_exists = [this](int id) { return index_by_id_.contains(id); };
  auto parsed = parse_rule(element, context, warnings_);
  if (!parsed) return parsed.error();
  if (parsed->skipped) {
    summarize_skipped(parsed->rule);
    return core::ok_status();
  }
  if (parsed->overwrite && parsed->rule.id >= 10) {
    overwrite(index_by_id_.at(parsed->rule.id), *parsed, element, path);
    return core::ok_status();
  }
  const auto rule_index = static_cast<std::uint32_t>(rules_.size());
  parsed->rule.order = static_cast<int>(rule_index);
  rules_.push_back(std::move(parsed->rule));
  rules_.back().context = parsed->context;
  loading_.push_back({parsed->sort_level, parsed->if_sid_text, parsed->has_if_sid});
  links_.emplace_back();
  auto placed = place(rule_index, *parsed, element, path);
  if (tree_overflow_) {
    return core::invalid_argument(std::string(path) + ":" + std::to_string(element.line) + ": rule: the rule tree " +
                                  "grows past " + std::to_string(kMaxRuleTreeDepth) + " levels or " +
                                  std::to_string(kMaxRuleTreeNodes) + " nodes");
  }
  if (!placed) return placed.error();
  if (!*placed) {
    summarize_skipped(rules_.back());
    rules_.pop_back();
    loading_.pop_back();
    links_.pop_back();
    return core::ok_status();
  }
  index_by_id_.emplace(rules_[rule_index].id, rule_index);
  link_correlation(rule_index);
  summaries_.push_back({static_cast<std::ptrdiff_t>(rule_index), {}});
  return core::ok_status();
}

// OS_AddChild (or OS_AddRule for the templates). False: the rule is dropped, as Wazuh drops it.
core::Result<bool> RuleSetBuilder::place(std::uint32_t rule_index, const ParsedRule& parsed, const XmlElement& element,
                                         std::string_view path) {
  Rule& rule = rules_[rule_index];
  const std::string name = "rule " + std::to_string(rule.id);
  if (rule.id < 10) {
    insert_sorted(kTop, rule_index, 0);
    return true;
  }
  if (parsed.has_if_sid) {
    const std::vector<int> ids = parse_if_sid_numbers(parsed.if_sid_text);
    if (rule.if_matched_sid != 0) {
      // Wazuh gives up on the rule at the first unknown id (after having filed it under the
      // earlier ones, which leaves it dangling there); dropping it outright is the sane reading.
      for (int id : ids) {
        if (id != 0 && !index_by_id_.contains(id)) {
          warn(path, element,
               "signature id " + std::to_string(id) + " was not found: invalid if_matched_sid in " + name +
                   ", which is ignored (Wazuh 7620)");
          return false;
        }
      }
    }
    bool added = false;
    for (int id : ids) {
      const Placement placement{id != 0 ? Mode::sid : Mode::category, id, {}, 0};
      if ((id == 0 || mark_ancestors(id)) && add_under(kTop, placement, rule_index)) {
        added = true;
      } else {
        warn(path, element,
             "signature id " + std::to_string(id) + " was not found; it is ignored in the if_sid of " + name +
                 " (Wazuh 7617)");
      }
      if (tree_overflow_) return false;
    }
    if (!added) warn(path, element, "empty if_sid: " + name + " is ignored (Wazuh 7619)");
    return added;
  }
  if (parsed.has_if_level) {
    if (rule.if_level == 0) {
      warn(path, element, "invalid if_level '0': " + name + " is ignored (Wazuh 7609)");
      return false;
    }
    const int level = rule.if_level > INT_MAX / 100 ? INT_MAX : rule.if_level * 100;
    if (!add_under(kTop, Placement{Mode::level, 0, {}, level}, rule_index)) {
      warn(path, element,
           "no rule of level " + std::to_string(rule.if_level) + " for the if_level of " + name +
               ", which is ignored (Wazuh 7608)");
      return false;
    }
    return true;
  }
  if (parsed.has_if_group) {
    if (!add_under(kTop, Placement{Mode::group, 0, rule.if_group, 0}, rule_index)) {
      warn(path, element,
           "group '" + rule.if_group + "' was not found: invalid if_group in " + name +
               ", which is ignored (Wazuh 7610)");
      return false;
    }
    return true;
  }
  if (!add_under(kTop, Placement{}, rule_index)) {
    warn(path, element,
         "no top-level rule of category " + std::string(to_string(rule.category)) + " for " + name +
             ", which is ignored (Wazuh 7611)");
    return false;
  }
  return true;
}

// _AddtoRule: one list of siblings and, recursively, their children.
bool RuleSetBuilder::add_under(std::uint32_t list, const Placement& placement, std::uint32_t rule_index) {
  bool added = false;
  Rule& rule = rules_[rule_index];
  for (std::size_t i = 0; i < list_of(list).size() && !tree_overflow_; ++i) {
    const std::uint32_t node = list_of(list)[i];
    const Rule& candidate = rules_[nodes_[node].rule];
    switch (placement.mode) {
      case Mode::sid:
        if (candidate.id == placement.sid) {
          rule.category = candidate.category;  // children take their parent's category
          insert_sorted(node, rule_index, nodes_[node].depth + 1);
          return true;
        }
        break;
      case Mode::group:
        if (word_match(placement.group, candidate.group_text) && candidate.id != rule.id) {
          insert_sorted(node, rule_index, nodes_[node].depth + 1);
          added = true;
        }
        break;
      case Mode::level:
        if (loading_[nodes_[node].rule].sort_level >= placement.level && candidate.id != rule.id) {
          insert_sorted(node, rule_index, nodes_[node].depth + 1);
          added = true;
        }
        break;
      case Mode::category:
        if (candidate.category != rule.category) continue;  // and not its children
        insert_sorted(node, rule_index, nodes_[node].depth + 1);
        return true;
    }
    const bool wanted = placement.mode != Mode::sid || nodes_[node].mark == epoch_;
    if (!nodes_[node].children.empty() && wanted && add_under(node, placement, rule_index)) added = true;
  }
  return added;
}

bool RuleSetBuilder::mark_ancestors(int sid) {
  const auto found = nodes_by_id_.find(sid);
  if (found == nodes_by_id_.end()) return false;
  ++epoch_;
  for (std::uint32_t node : found->second) {
    for (std::uint32_t parent = nodes_[node].parent; parent != kTop && nodes_[parent].mark != epoch_;
         parent = nodes_[parent].parent) {
      nodes_[parent].mark = epoch_;
    }
  }
  return true;
}

// _OS_AddRule: before the first sibling of a lower level, else last.
void RuleSetBuilder::insert_sorted(std::uint32_t list, std::uint32_t rule_index, std::uint32_t depth) {
  if (depth >= kMaxRuleTreeDepth || nodes_.size() >= kMaxRuleTreeNodes) {
    tree_overflow_ = true;
    return;
  }
  const auto node = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back({rule_index, depth, list, {}});
  nodes_by_id_[rules_[rule_index].id].push_back(node);
  std::vector<std::uint32_t>& siblings = list_of(list);
  const int level = loading_[rule_index].sort_level;
  auto position = std::find_if(siblings.begin(), siblings.end(), [&](std::uint32_t sibling) {
    return level > loading_[nodes_[sibling].rule].sort_level;
  });
  siblings.insert(position, node);
}

// OS_AddRuleInfo: the loaded rule takes the new content but keeps its place and links.
void RuleSetBuilder::overwrite(std::uint32_t original, ParsedRule& parsed, const XmlElement& element,
                               std::string_view path) {
  Rule& target = rules_[original];
  Rule& replacement = parsed.rule;
  const std::string name = "rule " + std::to_string(target.id);
  auto cannot = [&](std::string_view what) {
    warn(path, element, "it is not possible to overwrite the " + std::string(what) + " of " + name + " (Wazuh 7605)");
  };
  if (parsed.has_if_sid && replacement.if_matched_sid == 0 &&
      (!loading_[original].has_if_sid || loading_[original].if_sid_text != parsed.if_sid_text)) {
    cannot("if_sid");
  }
  // Wazuh frees a loaded rule's if_group once placed, so any if_group here differs.
  if (parsed.has_if_group && !replacement.if_matched_group) cannot("if_group");
  if (parsed.has_if_level && target.if_level != replacement.if_level) cannot("if_level");
  if (replacement.if_matched_group &&
      (!target.if_matched_group || target.if_matched_group->source() != replacement.if_matched_group->source())) {
    cannot("if_matched_group");
  }
  if (replacement.if_matched_sid != 0 && target.if_matched_sid != replacement.if_matched_sid) cannot("if_matched_sid");

  replacement.id = target.id;
  replacement.order = target.order;
  replacement.if_sid = std::move(target.if_sid);
  replacement.if_group = std::move(target.if_group);
  replacement.if_level = target.if_level;
  replacement.if_matched_sid = target.if_matched_sid;
  replacement.if_matched_group = std::move(target.if_matched_group);
  replacement.search = target.search;
  replacement.overwritten = true;
  replacement.context = parsed.context;
  target = std::move(replacement);
  loading_[original].sort_level = parsed.sort_level;
}

// OS_MarkID / OS_MarkGroup, and the choice of Wazuh's event_search.
void RuleSetBuilder::link_correlation(std::uint32_t rule_index) {
  Rule& rule = rules_[rule_index];
  if (rule.if_matched_sid != 0) {
    rule.search = CorrelationSearch::matched_sid;
    for (const BuildNode& node : nodes_) {
      if (rules_[node.rule].id != rule.if_matched_sid) continue;
      RuleSet::Links& target = links_[node.rule];
      if (target.sid_list < 0) target.sid_list = static_cast<int>(list_count_++);
      links_[rule_index].search_list = target.sid_list;
    }
  } else if (rule.if_matched_group) {
    rule.search = CorrelationSearch::matched_group;
    const int list = static_cast<int>(list_count_++);
    links_[rule_index].search_list = list;
    for (const BuildNode& node : nodes_) {
      if (rule.if_matched_group->matches(rules_[node.rule].group_text)) links_[node.rule].group_lists.push_back(list);
    }
  } else if (rule.context && !rule.check_diff) {
    rule.search = CorrelationSearch::last_events;
  }
}

RuleSet RuleSetBuilder::finish() {
  RuleSet set;
  for (Rule& rule : rules_) {
    if (!rule.context || rule.check_diff || rule.search == CorrelationSearch::none) continue;
    if (rule.search == CorrelationSearch::last_events) set.searches_last_events_ = true;
    if (!rule.same_dynamic.empty() || !rule.different_dynamic.empty()) set.compares_dynamic_fields_ = true;
    set.max_timeframe_ = std::max(set.max_timeframe_, rule.timeframe);
  }
  // Flatten the children lists, nodes keeping their indices.
  set.nodes_.reserve(nodes_.size());
  for (const BuildNode& node : nodes_) {
    RuleSet::Node flat;
    flat.rule = node.rule;
    flat.first_child = static_cast<std::uint32_t>(set.node_children_.size());
    flat.child_count = static_cast<std::uint32_t>(node.children.size());
    set.node_children_.insert(set.node_children_.end(), node.children.begin(), node.children.end());
    set.nodes_.push_back(flat);
  }
  set.top_level_ = std::move(top_);
  set.rules_ = std::move(rules_);
  set.index_by_id_ = std::move(index_by_id_);
  set.links_ = std::move(links_);
  set.list_count_ = list_count_;
  for (SummarySlot& slot : summaries_) {
    if (slot.rule < 0) {
      set.summaries_.push_back(std::move(slot.skipped));
      continue;
    }
    const Rule& rule = set.rules_[static_cast<std::size_t>(slot.rule)];
    set.summaries_.push_back(
        {rule.id, rule.level, rule.description, rule.groups, rule.file, rule.line, RuleSummary::Status::enabled});
  }
  return set;
}

core::Result<RuleSet> RuleSet::load(const std::vector<RulesetFile>& files, const DecoderNames& decoders,
                                    const ListRegistry& lists, LoadWarnings& warnings) {
  RuleSetBuilder builder(decoders, lists, warnings);
  for (const RulesetFile& file : files) {
    if (auto added = builder.add_file(file); !added) return added.error();
  }
  return builder.finish();
}

}  // namespace herald::analysis
