#include "api/ruleset_items.h"

#include <array>
#include <boost/json.hpp>
#include <map>

namespace herald::api {

namespace json = boost::json;

namespace {

std::string_view category_name(analysis::RuleCategory category) {
  switch (category) {
    case analysis::RuleCategory::syslog:
      return "syslog";
    case analysis::RuleCategory::firewall:
      return "firewall";
    case analysis::RuleCategory::ids:
      return "ids";
    case analysis::RuleCategory::web_log:
      return "web-log";
    case analysis::RuleCategory::squid:
      return "squid";
    case analysis::RuleCategory::windows:
      return "windows";
    case analysis::RuleCategory::ossec:
      return "ossec";
  }
  return "syslog";
}

json::object pattern_detail(const analysis::Pattern& pattern) {
  json::object detail{{"pattern", pattern.source()}};
  if (pattern.negated()) detail["negate"] = "yes";
  return detail;
}

void add_value_test(json::object& details, const char* name, const std::optional<analysis::ValueTest>& test) {
  if (!test) return;
  if (test->pattern) {
    details[name] = pattern_detail(*test->pattern);
  } else {
    json::object detail{{"pattern", test->exact}};
    if (test->negate) detail["negate"] = "yes";
    details[name] = std::move(detail);
  }
}

std::string joined(const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

// What the rule was written with, as Wazuh's rule.py shows the options it knows.
json::object rule_details(const analysis::Rule& rule) {
  json::object details{{"category", category_name(rule.category)}};
  if (!rule.if_sid.empty()) details["if_sid"] = joined(rule.if_sid);
  if (!rule.if_group.empty()) details["if_group"] = rule.if_group;
  if (rule.if_level != 0) details["if_level"] = std::to_string(rule.if_level);
  if (!rule.decoded_as.empty()) details["decoded_as"] = rule.decoded_as;
  add_value_test(details, "program_name", rule.program_name);
  add_value_test(details, "id", rule.id_test);
  add_value_test(details, "match", rule.match);
  add_value_test(details, "regex", rule.regex);
  add_value_test(details, "action", rule.action);
  add_value_test(details, "url", rule.url);
  add_value_test(details, "location", rule.location);
  add_value_test(details, "user", rule.user);
  add_value_test(details, "hostname", rule.hostname);
  add_value_test(details, "status", rule.status);
  add_value_test(details, "system_name", rule.system_name);
  if (!rule.fields.empty()) {
    json::array fields;
    for (const auto& field : rule.fields) {
      json::object item{{"name", field.name}};
      if (field.test.pattern) item["pattern"] = field.test.pattern->source();
      fields.push_back(std::move(item));
    }
    details["field"] = std::move(fields);
  }
  if (rule.if_matched_sid != 0) details["if_matched_sid"] = std::to_string(rule.if_matched_sid);
  if (rule.if_matched_group) details["if_matched_group"] = rule.if_matched_group->source();
  if (rule.context) {
    details["frequency"] = std::to_string(rule.frequency);
    details["timeframe"] = std::to_string(rule.timeframe);
  }
  if (rule.noalert) details["noalert"] = "1";
  if (rule.overwritten) details["overwrite"] = "yes";
  json::array options;
  if (rule.no_full_log) options.emplace_back("no_full_log");
  if (rule.no_counter) options.emplace_back("no_counter");
  if (rule.no_ar) options.emplace_back("no_ar");
  if (rule.mail_option) options.emplace_back(*rule.mail_option ? "alert_by_email" : "no_email_alert");
  if (rule.log_option) options.emplace_back(*rule.log_option ? "log_alert" : "no_log");
  if (!options.empty()) details["options"] = std::move(options);
  if (rule.info) details["info"] = *rule.info;
  return details;
}

// Wazuh moves the compliance groups out of `groups`, prefix removed.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kCompliance{{
    {"pci_dss_", "pci_dss"},
    {"gpg13_", "gpg13"},
    {"gdpr_", "gdpr"},
    {"hipaa_", "hipaa"},
    {"nist_800_53_", "nist_800_53"},
    {"tsc_", "tsc"},
}};

void add_groups(json::object& item, const std::vector<std::string>& groups) {
  std::map<std::string_view, json::array> compliance;
  json::array plain;
  for (const auto& group : groups) {
    bool placed = false;
    for (const auto& [prefix, field] : kCompliance) {
      if (group.starts_with(prefix)) {
        compliance[field].emplace_back(group.substr(prefix.size()));
        placed = true;
        break;
      }
    }
    if (!placed) plain.emplace_back(group);
  }
  for (const auto& [prefix, field] : kCompliance) item[field] = std::move(compliance[field]);
  item["groups"] = std::move(plain);
}

}  // namespace

std::pair<std::string, std::string> split_file_path(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return {std::string(), std::string(path)};
  return {std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

json::array rule_items(const analysis::Ruleset& ruleset) {
  json::array items;
  const auto& rules = ruleset.rules();
  for (const auto& summary : rules.summaries()) {
    auto [directory, name] = split_file_path(summary.file);
    json::object item{
        {"filename", name}, {"relative_dirname", directory}, {"id", summary.id}, {"level", summary.level}};
    const bool enabled = summary.status == analysis::RuleSummary::Status::enabled;
    item["status"] = enabled ? "enabled" : "disabled";
    const analysis::Rule* rule = enabled ? rules.find(summary.id) : nullptr;
    item["details"] = rule != nullptr ? rule_details(*rule) : json::object{};
    add_groups(item, summary.groups);
    json::array mitre;
    if (rule != nullptr) {
      for (const auto& id : rule->mitre_ids) mitre.emplace_back(id);
      for (const auto& technique : rule->mitre_techniques) mitre.emplace_back(technique.technique_id);
    }
    // Keep Wazuh's field order: mitre before groups.
    json::object ordered;
    for (auto& entry : item) {
      if (entry.key() == "groups") ordered["mitre"] = std::move(mitre);
      ordered[entry.key()] = std::move(entry.value());
    }
    ordered["description"] = summary.description;
    items.push_back(std::move(ordered));
  }
  return items;
}

json::array decoder_items(const analysis::Ruleset& ruleset) {
  json::array items;
  for (const auto& decoder : ruleset.decoders().decoders()) {
    auto [directory, name] = split_file_path(decoder.file);
    json::object details;
    if (decoder.parent) details["parent"] = *decoder.parent;
    if (decoder.program_name) details["program_name"] = pattern_detail(*decoder.program_name);
    if (decoder.prematch) {
      auto prematch = pattern_detail(*decoder.prematch);
      if (auto offset = analysis::decoder_offset_name(decoder.prematch_offset); !offset.empty())
        prematch["offset"] = offset;
      details["prematch"] = std::move(prematch);
    }
    if (decoder.regex) {
      auto regex = pattern_detail(*decoder.regex);
      if (auto offset = analysis::decoder_offset_name(decoder.regex_offset); !offset.empty()) regex["offset"] = offset;
      details["regex"] = std::move(regex);
    }
    if (!decoder.order.empty()) {
      std::string order;
      for (const auto& entry : decoder.order) order += (order.empty() ? "" : ", ") + entry.name;
      details["order"] = order;
    }
    if (decoder.type != analysis::DecoderType::syslog) details["type"] = analysis::decoder_type_name(decoder.type);
    if (decoder.use_own_name) details["use_own_name"] = "true";
    if (decoder.accumulate) details["accumulate"] = "";
    items.push_back(json::object{{"filename", name},
                                 {"relative_dirname", directory},
                                 {"status", "enabled"},
                                 {"name", decoder.written_name},
                                 {"position", decoder.position},
                                 {"details", std::move(details)}});
  }
  return items;
}

json::array list_items(const analysis::Ruleset& ruleset) {
  json::array items;
  for (const auto& file : ruleset.sources().lists) {
    auto [directory, name] = split_file_path(file.path);
    json::array entries;
    if (auto list = ruleset.lists().find(file.path)) {
      for (const auto& [key, value] : list->entries()) entries.push_back(json::object{{"key", key}, {"value", value}});
    }
    items.push_back(json::object{{"filename", name}, {"relative_dirname", directory}, {"items", std::move(entries)}});
  }
  return items;
}

json::array file_items(const std::vector<analysis::RulesetFile>& files, bool with_status) {
  json::array items;
  for (const auto& file : files) {
    auto [directory, name] = split_file_path(file.path);
    json::object item{{"filename", name}, {"relative_dirname", directory}};
    if (with_status) item["status"] = "enabled";
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace herald::api
