#include "analysis/rule.h"

#include <algorithm>
#include <array>
#include <utility>

namespace herald::analysis {
namespace {

constexpr std::array<std::pair<std::string_view, RuleCategory>, 7> kCategories{{
    {"syslog", RuleCategory::syslog},
    {"firewall", RuleCategory::firewall},
    {"ids", RuleCategory::ids},
    {"web-log", RuleCategory::web_log},
    {"squid", RuleCategory::squid},
    {"windows", RuleCategory::windows},
    {"ossec", RuleCategory::ossec},
}};

constexpr std::array<std::pair<std::string_view, CompiledRule>, 5> kCompiledRules{{
    {"comp_srcuser_dstuser", CompiledRule::srcuser_dstuser},
    {"check_id_size", CompiledRule::id_size},
    {"comp_mswin_targetuser_calleruser_diff", CompiledRule::mswin_targetuser_calleruser_diff},
    {"is_simple_http_request", CompiledRule::simple_http_request},
    {"is_valid_crawler", CompiledRule::valid_crawler},
}};

}  // namespace

std::optional<RuleCategory> parse_rule_category(std::string_view text) {
  for (const auto& [name, category] : kCategories) {
    if (text == name) return category;
  }
  return std::nullopt;
}

std::string_view to_string(RuleCategory category) {
  for (const auto& [name, known] : kCategories) {
    if (known == category) return name;
  }
  return "syslog";
}

std::optional<CompiledRule> parse_compiled_rule(std::string_view name) {
  for (const auto& [known, compiled] : kCompiledRules) {
    if (name == known) return compiled;
  }
  return std::nullopt;
}

bool Rule::has_group(std::string_view group) const {
  return std::find(groups.begin(), groups.end(), group) != groups.end();
}

}  // namespace herald::analysis
