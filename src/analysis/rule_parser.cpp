#include "analysis/rule_parser.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <utility>

#include "analysis/rule_parser_parts.h"
#include "analysis/rule_text.h"

namespace herald::analysis {
namespace {

// The state of one rule's option loop.
class RuleReader {
 public:
  RuleReader(const XmlElement& element, const RuleParseContext& context, LoadWarnings& warnings)
      : element_(element), context_(context), warnings_(warnings) {}

  core::Result<ParsedRule> read();

 private:
  // Returns false when Wazuh would skip the rule from here on (a warning is recorded).
  core::Result<bool> read_option(const XmlElement& option);
  core::Result<bool> read_list(const XmlElement& option);
  core::Status read_field(const XmlElement& option);
  core::Status read_ignore(const XmlElement& option, IgnoreFields& into, std::string_view what);
  core::Status read_options(const XmlElement& option);
  core::Result<ParsedRule> finish();

  ParsedRule skip() {
    parsed_.skipped = true;
    return std::move(parsed_);
  }
  core::Error error(const XmlElement& at, std::string_view what) const { return element_error(context_, at, what); }
  void warning(const XmlElement& at, std::string_view what) const { warn(warnings_, context_, at, what); }
  std::string rule_name() const { return "rule " + std::to_string(parsed_.rule.id); }

  const XmlElement& element_;
  const RuleParseContext& context_;
  LoadWarnings& warnings_;
  ParsedRule parsed_;
  std::array<PatternText, kPatternOptionCount> patterns_{};
  PendingAddress srcip_, dstip_;
  std::string if_matched_group_text_, if_matched_regex_text_;
  bool has_if_matched_group_ = false, has_if_matched_regex_ = false;
  bool has_description_ = false;
  int frequency_stored_ = 0;  // Wazuh's frequency field (attribute - 2)
  MitreFormats mitre_formats_;
};

core::Result<ParsedRule> RuleReader::read() {
  auto attributes = read_attributes(element_, context_, warnings_);
  if (!attributes) return attributes.error();
  Rule& rule = parsed_.rule;
  rule.id = attributes->id;
  rule.level = attributes->level;
  rule.maxsize = attributes->maxsize;
  rule.timeframe = attributes->timeframe;
  frequency_stored_ = attributes->frequency;
  rule.frequency = attributes->frequency + 2;
  rule.noalert = attributes->noalert;
  rule.ignore_seconds = attributes->ignore;
  rule.file = std::string(context_.path);
  rule.line = element_.line;
  parsed_.overwrite = attributes->overwrite;

  if (context_.rule_exists && context_.rule_exists(rule.id)) {
    if (!parsed_.overwrite) {
      warning(element_,
              "rule id " + std::to_string(rule.id) + " is duplicated; only the first one is loaded (Wazuh 7612)");
      return skip();
    }
  } else if (parsed_.overwrite) {
    warning(element_, "rule " + std::to_string(rule.id) +
                          " does not exist but overwrite is yes: loaded as a new rule (Wazuh 7613)");
    parsed_.overwrite = false;
  }

  parsed_.sort_level = rule.level == 0 ? 99 : rule.level;
  if (attributes->accuracy != 0) parsed_.sort_level *= 100;
  // Wazuh turns the 99 back into 0 only when it was multiplied: level="0" accuracy="0" ends
  // as level 99.
  if (attributes->accuracy == 0 && rule.level == 0) rule.level = 99;

  rule.group_text = std::string(context_.group_name);
  if (element_.children.empty()) {
    return error(element_, rule_name() + " has no options (Wazuh refuses it)");
  }
  for (const XmlElement& option : element_.children) {
    auto keep = read_option(option);
    if (!keep) return keep.error();
    if (!*keep) return skip();
  }
  return finish();
}

core::Result<bool> RuleReader::read_option(const XmlElement& option) {
  Rule& rule = parsed_.rule;
  const std::string& name = option.name;
  const std::string& content = option.content;

  if (const std::ptrdiff_t index = find_pattern_option(name); index >= 0) {
    PatternText& pending = patterns_[static_cast<std::size_t>(index)];
    if (auto appended = append_text(pending.text, option, context_); !appended) return appended.error();
    pending.present = true;
    pending.last = &option;
    pending.negate = negate_attribute(option, context_, rule.id, warnings_);
    pending.type = type_attribute(option, kPatternOptions[static_cast<std::size_t>(index)].default_type, context_,
                                  rule.id, warnings_);
    return true;
  }
  if (const FieldOption* field_option = find_field_option(name)) {
    (field_option->different ? rule.different_fields : rule.same_fields) |= bit(field_option->field);
    return true;
  }
  if (iequals(name, "srcip") || iequals(name, "dstip")) {
    PendingAddress& pending = iequals(name, "srcip") ? srcip_ : dstip_;
    auto address = IpMatch::parse(content);
    if (!address) return error(option, "invalid IP address '" + content + "'");
    pending.present = true;
    pending.addresses.add(std::move(address).value());
    pending.negate = negate_attribute(option, context_, rule.id, warnings_);
    return true;
  }
  if (iequals(name, "decoded_as")) {
    if (context_.decoders == nullptr || !*context_.decoders || !(*context_.decoders)(content)) {
      return error(option, "invalid decoder name '" + content + "'");
    }
    rule.decoded_as = content;
    return true;
  }
  if (iequals(name, "cve") || iequals(name, "info")) {
    RuleInfoDetail::Kind kind = RuleInfoDetail::Kind::cve;
    const bool is_info = iequals(name, "info");
    if (is_info) {
      kind = RuleInfoDetail::Kind::text;
      for (const auto& [attribute, value] : option.attributes) {
        if (!iequals(attribute, "type")) {
          warning(option, "info has an invalid attribute '" + attribute + "' (taken as text)");
        } else if (value == "link") {
          kind = RuleInfoDetail::Kind::link;
        } else if (value == "cve") {
          kind = RuleInfoDetail::Kind::cve;
        } else if (value == "osvdb") {
          kind = RuleInfoDetail::Kind::osvdb;
        } else if (value != "text") {
          warning(option, "info type '" + value + "' is invalid (taken as text)");
        }
        break;  // Wazuh looks at the first attribute only
      }
    }
    if (rule.info_details.size() < kMaxInfoDetails) rule.info_details.push_back({kind, content});
    std::optional<std::string>& text = is_info ? rule.info : rule.cve;
    if (!text) text.emplace();
    if (auto appended = append_text(*text, option, context_); !appended) return appended.error();
    return true;
  }
  if (iequals(name, "time")) {
    auto window = TimeWindow::parse(content);
    if (!window) return error(option, "invalid time '" + content + "': " + window.error().message);
    rule.time = std::move(window).value();
    return true;
  }
  if (iequals(name, "weekday")) {
    auto days = WeekdaySet::parse(content);
    if (!days) return error(option, "invalid weekday '" + content + "': " + days.error().message);
    rule.weekday = std::move(days).value();
    return true;
  }
  if (iequals(name, "group")) {
    std::string text = content;
    std::erase(text, '\n');
    if (text.size() >= kMaxOptionText || rule.group_text.size() > kMaxOptionText) {
      return error(option, "group text longer than Wazuh accepts (2047 bytes)");
    }
    rule.group_text += text;
    return true;
  }
  if (iequals(name, "description")) {
    std::string text = content;
    if (const auto newline = text.find('\n'); newline != std::string::npos) text[newline] = ' ';
    if (text.size() >= kMaxOptionText || rule.description.size() > kMaxOptionText) {
      return error(option, "description longer than Wazuh accepts (2047 bytes)");
    }
    rule.description += text;
    has_description_ = true;
    return true;
  }
  if (iequals(name, "field")) {
    if (auto read = read_field(option); !read) return read.error();
    return true;
  }
  if (iequals(name, "list")) return read_list(option);
  if (iequals(name, "compiled_rule")) {
    auto compiled = parse_compiled_rule(content);
    if (!compiled) return error(option, "compiled rule not found: '" + content + "'");
    rule.compiled = *compiled;
    return true;
  }
  if (iequals(name, "category")) {
    auto category = parse_rule_category(content);
    if (!category) return error(option, "invalid category '" + content + "'");
    rule.category = *category;
    return true;
  }
  if (iequals(name, "if_sid")) {
    if (auto appended = append_text(parsed_.if_sid_text, option, context_); !appended) return appended.error();
    parsed_.has_if_sid = true;
    return true;
  }
  if (iequals(name, "if_level")) {
    if (!is_digits(content)) {
      warning(option, "invalid if_level '" + content + "'; " + rule_name() + " is ignored (Wazuh 7609)");
      return false;
    }
    const long long level = saturated_number(content);
    rule.if_level = level > INT_MAX / 100 ? INT_MAX / 100 : static_cast<int>(level);
    parsed_.has_if_level = true;
    return true;
  }
  if (iequals(name, "if_group")) {
    if (auto appended = append_text(rule.if_group, option, context_); !appended) return appended.error();
    parsed_.has_if_group = true;
    return true;
  }
  if (iequals(name, "if_matched_regex")) {
    parsed_.context = true;
    if (auto appended = append_text(if_matched_regex_text_, option, context_); !appended) return appended.error();
    has_if_matched_regex_ = true;
    return true;
  }
  if (iequals(name, "if_matched_group")) {
    parsed_.context = true;
    if (auto appended = append_text(if_matched_group_text_, option, context_); !appended) return appended.error();
    has_if_matched_group_ = true;
    return true;
  }
  if (iequals(name, "if_matched_sid")) {
    parsed_.context = true;
    if (!is_digits(content)) {
      warning(option, "invalid if_matched_sid '" + content + "'; " + rule_name() + " is ignored (Wazuh 7615)");
      return false;
    }
    const long long sid = saturated_number(content);
    rule.if_matched_sid = sid > INT_MAX ? INT_MAX : static_cast<int>(sid);
    return true;
  }
  if (iequals(name, "check_diff")) {
    parsed_.context = true;
    rule.check_diff = true;
    return true;
  }
  if (iequals(name, "if_fts")) {
    rule.if_fts = true;
    return true;
  }
  if (iequals(name, "same_agent") || iequals(name, "not_same_agent")) {
    warning(option, "the deprecated option " + name + " is no longer available (ignored)");
    return true;
  }
  if (iequals(name, "global_frequency")) {
    rule.global_frequency = true;
    return true;
  }
  if (iequals(name, "same_field")) {
    rule.same_dynamic.push_back(content);
    return true;
  }
  if (iequals(name, "not_same_field") || iequals(name, "different_field")) {
    rule.different_dynamic.push_back(content);
    return true;
  }
  if (iequals(name, "options")) {
    if (auto read = read_options(option); !read) return read.error();
    return true;
  }
  if (iequals(name, "ignore")) {
    if (auto read = read_ignore(option, rule.ignore, "ignore"); !read) return read.error();
    return true;
  }
  if (iequals(name, "check_if_ignored")) {
    if (auto read = read_ignore(option, rule.check_if_ignored, "check_if_ignored"); !read) return read.error();
    return true;
  }
  if (iequals(name, "mitre")) {
    read_mitre_block(option, rule, mitre_formats_, context_, warnings_);
    return true;
  }
  return error(option, "invalid option '" + name + "' for " + rule_name());
}

core::Status RuleReader::read_field(const XmlElement& option) {
  Rule& rule = parsed_.rule;
  if (rule.fields.size() >= kMaxRuleFields) {
    return error(option, rule_name() + " has more <field> tests than Wazuh allows (256)");
  }
  const std::string* field_name = option.attribute("name");
  if (field_name == nullptr) return error(option, "a field needs a name attribute");
  static constexpr std::array<std::string_view, 17> kStatic{
      "srcip", "dstip", "srcgeoip", "dstgeoip",   "srcport", "dstport",  "user",        "srcuser", "dstuser",
      "url",   "id",    "data",     "extra_data", "status",  "protocol", "system_name", "action"};
  for (std::string_view static_name : kStatic) {
    if (iequals(*field_name, static_name)) {
      return error(option, "field '" + *field_name + "' is static: test it with its own option");
    }
  }
  PatternText pending;
  pending.present = true;
  pending.text = option.content;
  pending.last = &option;
  pending.type = type_attribute(option, PatternType::osregex, context_, rule.id, warnings_);
  pending.negate = negate_attribute(option, context_, rule.id, warnings_);
  auto test = compile_test(pending, "field " + *field_name, context_, rule.id);
  if (!test) return test.error();
  rule.fields.push_back({*field_name, std::move(**test)});
  return core::ok_status();
}

core::Result<bool> RuleReader::read_list(const XmlElement& option) {
  Rule& rule = parsed_.rule;
  if (option.attributes.empty()) return error(option, "a list needs a field attribute");
  ListTest test;
  bool has_field = false;
  for (const auto& [attribute, value] : option.attributes) {
    if (iequals(attribute, "lookup")) {
      auto lookup = list_lookup_from_name(value);
      if (!lookup) return error(option, "list lookup '" + value + "' is not valid");
      test.lookup = *lookup;
    } else if (iequals(attribute, "field")) {
      has_field = true;
      if (auto field = parse_list_field(value)) {
        test.field = *field;
      } else {
        test.field = ListField::dynamic;
        // Wazuh keeps the first word.
        const std::string_view trimmed = first_word(value);
        test.dynamic_name = std::string(trimmed);
      }
    } else if (iequals(attribute, "check_value")) {
      auto matcher = OsMatch::compile(value);
      if (!matcher) return error(option, "list check_value '" + value + "': " + matcher.error().message);
      test.check_value = std::move(matcher).value();
    } else {
      return error(option, "list attribute '" + attribute + "' is not valid");
    }
  }
  if (!has_field) return error(option, "a list needs a field attribute");
  test.path = option.content;
  test.list = context_.lists != nullptr ? context_.lists->find(option.content) : nullptr;
  if (!test.list) {
    warning(option, "list '" + option.content + "' could not be loaded; " + rule_name() + " is ignored (Wazuh 7616)");
    return false;
  }
  rule.lists.push_back(std::move(test));
  return true;
}

core::Status RuleReader::read_ignore(const XmlElement& option, IgnoreFields& into, std::string_view what) {
  const std::vector<std::string> words = split_escaped(option.content, ',', kMaxRuleFields);
  for (const std::string& piece : words) {
    const std::string_view word = first_word(piece);
    if (word.empty()) return error(option, "wrong " + std::string(what) + " option '" + option.content + "'");
    if (word == "user") {
      into.user = true;
    } else if (word == "srcip") {
      into.srcip = true;
    } else if (word == "dstip") {
      into.dstip = true;
    } else if (word == "id") {
      into.id = true;
    } else if (word == "location") {
      into.location = true;
    } else if (word == "data") {
      into.data = true;
    } else if (word == "name") {
      into.name = true;
    } else {
      into.dynamic.emplace_back(word);
    }
  }
  return core::ok_status();
}

core::Status RuleReader::read_options(const XmlElement& option) {
  Rule& rule = parsed_.rule;
  const std::string& value = option.content;
  if (value == "alert_by_email") {
    rule.mail_option = true;
  } else if (value == "no_email_alert") {
    rule.mail_option = false;
  } else if (value == "log_alert") {
    rule.log_option = true;
  } else if (value == "no_log") {
    rule.log_option = false;
  } else if (value == "no_ar") {
    rule.no_ar = true;
  } else if (value == "no_full_log") {
    rule.no_full_log = true;
  } else if (value == "no_counter") {
    rule.no_counter = true;
  } else {
    return error(option, "invalid value '" + value + "' for " + rule_name() +
                             " (alert_by_email, no_email_alert, log_alert, no_log, no_ar, no_full_log, no_counter)");
  }
  return core::ok_status();
}

core::Result<ParsedRule> RuleReader::finish() {
  Rule& rule = parsed_.rule;
  if (parsed_.has_if_sid && !is_if_sid_list(parsed_.if_sid_text)) {
    warning(element_, "invalid if_sid '" + parsed_.if_sid_text + "'; " + rule_name() + " is ignored (Wazuh 7618)");
    return skip();
  }
  if (!has_description_) return error(element_, rule_name() + " has no description");

  const bool correlation_options = rule.same_fields != 0 || rule.different_fields != 0 || !rule.same_dynamic.empty() ||
                                   !rule.different_dynamic.empty() || rule.global_frequency || frequency_stored_ != 0;
  if (correlation_options && !parsed_.context) {
    return error(element_, "frequency/correlation options without if_matched_* in " + rule_name());
  }
  if (has_if_matched_group_ && !parsed_.overwrite && !parsed_.has_if_sid && !parsed_.has_if_group) {
    rule.if_group = if_matched_group_text_;
    parsed_.has_if_group = true;
  }
  if (rule.if_matched_sid != 0 && !parsed_.has_if_sid && !parsed_.has_if_group && !parsed_.overwrite) {
    parsed_.if_sid_text = std::to_string(rule.if_matched_sid);
    parsed_.has_if_sid = true;
  }

  struct Target {
    std::size_t option;
    std::optional<ValueTest>* into;
  };
  const std::array<Target, kPatternOptionCount> targets{{
      {0, &rule.regex},
      {1, &rule.match},
      {2, &rule.user},
      {3, &rule.srcgeoip},
      {4, &rule.dstgeoip},
      {5, &rule.id_test},
      {6, &rule.srcport},
      {7, &rule.dstport},
      {8, &rule.status},
      {9, &rule.hostname},
      {10, &rule.data},
      {11, &rule.extra_data},
      {12, &rule.program_name},
      {13, &rule.action},
      {14, &rule.system_name},
      {15, &rule.protocol},
      {16, &rule.location},
      {17, &rule.url},
  }};
  for (const Target& target : targets) {
    auto test = compile_test(patterns_[target.option], kPatternOptions[target.option].name, context_, rule.id);
    if (!test) return test.error();
    *target.into = std::move(test).value();
  }
  for (PendingAddress* pending : {&srcip_, &dstip_}) {
    if (!pending->present) continue;
    AddressTest test{std::move(pending->addresses), pending->negate};
    (pending == &srcip_ ? rule.srcip : rule.dstip) = std::move(test);
  }
  if (has_if_matched_group_) {
    auto group = OsMatch::compile(if_matched_group_text_);
    if (!group) return error(element_, "if_matched_group '" + if_matched_group_text_ + "': " + group.error().message);
    rule.if_matched_group = std::move(group).value();
  }
  if (has_if_matched_regex_) {
    auto regex = OsRegex::compile(if_matched_regex_text_);
    if (!regex) return error(element_, "if_matched_regex '" + if_matched_regex_text_ + "': " + regex.error().message);
    rule.if_matched_regex = std::move(regex).value();
  }
  rule.groups = split_groups(rule.group_text);
  if (parsed_.has_if_sid) rule.if_sid = parse_if_sid_numbers(parsed_.if_sid_text);
  return std::move(parsed_);
}

}  // namespace

core::Result<ParsedRule> parse_rule(const XmlElement& element, const RuleParseContext& context,
                                    LoadWarnings& warnings) {
  RuleReader reader(element, context, warnings);
  return reader.read();
}

}  // namespace herald::analysis
