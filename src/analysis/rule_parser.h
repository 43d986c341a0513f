#pragma once
// Internal to RuleSet::load: one <rule> element of a rules file into a Rule, with the checks,
// defaults and quirks of Wazuh's Rules_OP_ReadRules (src/analysisd/rules.c).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/rule.h"
#include "analysis/rule_set.h"
#include "analysis/ruleset_file.h"
#include "analysis/ruleset_xml.h"
#include "core/result.h"

namespace herald::analysis {

// A rule as read, before it is placed in the tree.
struct ParsedRule {
  Rule rule;
  // Wazuh's internal ordering level while loading: level * 100 (level 0 counts as 99, so level-0
  // rules are tried first among siblings), or the bare level with accuracy="0".
  int sort_level = 0;
  bool overwrite = false;
  bool has_if_sid = false;  // an <if_sid> (or one derived from if_matched_sid)
  std::string if_sid_text;  // raw, parsed as Wazuh's OS_AddChild does
  bool has_if_level = false;
  bool has_if_group = false;
  bool context = false;  // Wazuh's `context`: an if_matched_* or check_diff option
  bool skipped = false;  // Wazuh skips this rule (the warning is recorded)
};

struct RuleParseContext {
  std::string_view path;
  std::string_view group_name;  // the enclosing <group name="...">
  const DecoderNames* decoders = nullptr;
  const ListRegistry* lists = nullptr;
  // Whether a rule with this id was loaded before (for overwrite="yes" and duplicates).
  std::function<bool(int)> rule_exists;
};

// The rule, or one marked `skipped` (with what was read) when Wazuh skips it with a warning
// (appended to warnings). A load error is core::invalid_argument "path:line: <element>: what".
core::Result<ParsedRule> parse_rule(const XmlElement& element, const RuleParseContext& context, LoadWarnings& warnings);

}  // namespace herald::analysis
