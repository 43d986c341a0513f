#include "analysis/rule_parser_parts.h"

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include "analysis/rule_text.h"

namespace herald::analysis {
namespace {

// The numeric attributes of <rule>. Wazuh reads some with sscanf("%Nd"), keeping the first N
// digits, and leaves the default when there are none.
int leading_digits(std::string_view digits, std::size_t width, int fallback) {
  if (digits.empty()) return fallback;
  int value = 0;
  for (std::size_t i = 0; i < digits.size() && i < width; ++i) value = value * 10 + (digits[i] - '0');
  return value;
}

}  // namespace

std::string location_of(const RuleParseContext& context, const XmlElement& element) {
  return std::string(context.path) + ":" + std::to_string(element.line) + ": ";
}

core::Error element_error(const RuleParseContext& context, const XmlElement& element, std::string_view what) {
  return core::invalid_argument(location_of(context, element) + element.name + ": " + std::string(what));
}

void warn(LoadWarnings& warnings, const RuleParseContext& context, const XmlElement& element, std::string_view what) {
  warnings.push_back(location_of(context, element) + std::string(what));
}

// What `negate="..."` says; Wazuh warns about other values and takes "no".
bool negate_attribute(const XmlElement& element, const RuleParseContext& context, int rule_id, LoadWarnings& warnings) {
  const std::string* value = element.attribute("negate");
  if (value == nullptr) return false;
  if (iequals(*value, "yes")) return true;
  if (!iequals(*value, "no")) {
    warn(warnings, context, element,
         "invalid value '" + *value + "' for attribute 'negate' in rule " + std::to_string(rule_id) + " (taken as no)");
  }
  return false;
}

// What `type="..."` says; Wazuh warns about other values and keeps the option's default.
std::optional<PatternType> type_attribute(const XmlElement& element, std::optional<PatternType> fallback,
                                          const RuleParseContext& context, int rule_id, LoadWarnings& warnings) {
  const std::string* value = element.attribute("type");
  if (value == nullptr) return fallback;
  if (iequals(*value, "osregex")) return PatternType::osregex;
  if (iequals(*value, "osmatch")) return PatternType::osmatch;
  if (iequals(*value, "pcre2")) return PatternType::pcre2;
  warn(warnings, context, element,
       "invalid value '" + *value + "' for attribute 'type' in rule " + std::to_string(rule_id) + " (default kept)");
  return fallback;
}

core::Status append_text(std::string& to, const XmlElement& element, const RuleParseContext& context) {
  if (element.content.size() >= kMaxOptionText || to.size() > kMaxOptionText) {
    return element_error(context, element,
                         "text of " + std::to_string(element.content.size()) +
                             " bytes; Wazuh accepts at most 2047 (and drops longer ones)");
  }
  to += element.content;
  return core::ok_status();
}

core::Result<std::optional<ValueTest>> compile_test(const PatternText& pending, std::string_view option,
                                                    const RuleParseContext& context, int rule_id) {
  if (!pending.present) return std::optional<ValueTest>{};
  ValueTest test;
  test.negate = pending.negate;
  if (!pending.type) {
    test.exact = pending.text;
    return std::optional<ValueTest>{std::move(test)};
  }
  auto pattern = Pattern::compile(pending.text, *pending.type, pending.negate);
  if (!pattern) {
    return element_error(context, *pending.last,
                         "syntax error in the " + std::string(option) + " of rule " + std::to_string(rule_id) + ": " +
                             pattern.error().message);
  }
  test.pattern = std::move(pattern).value();
  return std::optional<ValueTest>{std::move(test)};
}

// atoi of a string of digits, saturated (Wazuh's atoi would overflow).
long long saturated_number(std::string_view digits) {
  long long value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
    if (value > INT_MAX) return static_cast<long long>(INT_MAX) + 1;
  }
  return value;
}

core::Result<RuleAttributes> read_attributes(const XmlElement& element, const RuleParseContext& context,
                                             LoadWarnings& warnings) {
  RuleAttributes attributes;
  for (const auto& [name, value] : element.attributes) {
    const bool numeric = is_digits(value);
    auto bad = [&](std::string what) { return element_error(context, element, what); };
    if (iequals(name, "id")) {
      if (!numeric || value.size() > 6 || value.empty()) {
        return bad("invalid rule id '" + value + "': an integer of at most 6 digits");
      }
      attributes.id = leading_digits(value, 6, -1);
    } else if (iequals(name, "level")) {
      if (numeric) {  // Wazuh ignores a non-numeric level (and then misses it)
        const long long level = saturated_number(value);
        if (level > 16) return bad("invalid level '" + value + "': an integer from 0 to 16");
        attributes.level = static_cast<int>(level);
      }
    } else if (iequals(name, "maxsize")) {
      if (!numeric) return bad("invalid maxsize '" + value + "': an integer");
      attributes.maxsize = leading_digits(value, 4, attributes.maxsize);
    } else if (iequals(name, "timeframe")) {
      if (!numeric) return bad("invalid timeframe '" + value + "': an integer of at most 5 digits");
      attributes.timeframe = leading_digits(value, 5, attributes.timeframe);
    } else if (iequals(name, "frequency")) {
      const long long frequency = numeric ? saturated_number(value) : -1;
      if (frequency < 2 || frequency > 9999) {
        return bad("invalid frequency '" + value + "': an integer from 2 to 9999");
      }
      attributes.frequency = static_cast<int>(frequency) - 2;
    } else if (iequals(name, "accuracy")) {
      if (!numeric) return bad("invalid accuracy '" + value + "': an integer");
      attributes.accuracy = leading_digits(value, 4, attributes.accuracy);
    } else if (iequals(name, "noalert")) {
      if (value == "0") {
        attributes.noalert = false;
      } else if (value == "1") {
        attributes.noalert = true;
      } else {
        warn(warnings, context, element, "invalid value '" + value + "' for attribute 'noalert' (ignored)");
      }
    } else if (iequals(name, "ignore")) {
      if (!numeric) return bad("invalid ignore '" + value + "': an integer of at most 6 digits");
      attributes.ignore = leading_digits(value, 6, attributes.ignore);
    } else if (iequals(name, "overwrite")) {
      if (value == "yes") {
        attributes.overwrite = true;
      } else if (value == "no") {
        attributes.overwrite = false;
      } else {
        return bad("invalid overwrite '" + value + "': yes or no");
      }
    } else {
      return bad("invalid attribute '" + name +
                 "' (id, level, maxsize, timeframe, frequency, accuracy, noalert, ignore, overwrite)");
    }
  }
  if (attributes.id < 0 || attributes.level < 0) {
    return element_error(context, element, "a rule needs an id and a level");
  }
  return attributes;
}

constexpr std::array kFieldOptions{
    FieldOption{"same_source_ip", false, false, CorrelatedField::srcip},
    FieldOption{"same_srcip", false, false, CorrelatedField::srcip},
    FieldOption{"same_dstip", false, false, CorrelatedField::dstip},
    FieldOption{"same_src_port", false, false, CorrelatedField::srcport},
    FieldOption{"same_srcport", false, false, CorrelatedField::srcport},
    FieldOption{"same_dst_port", false, false, CorrelatedField::dstport},
    FieldOption{"same_dstport", false, false, CorrelatedField::dstport},
    FieldOption{"same_protocol", false, false, CorrelatedField::protocol},
    FieldOption{"same_action", false, false, CorrelatedField::action},
    FieldOption{"same_id", true, false, CorrelatedField::id},
    FieldOption{"same_url", true, false, CorrelatedField::url},
    FieldOption{"same_data", true, false, CorrelatedField::data},
    FieldOption{"same_extra_data", true, false, CorrelatedField::extra_data},
    FieldOption{"same_status", true, false, CorrelatedField::status},
    FieldOption{"same_system_name", true, false, CorrelatedField::system_name},
    FieldOption{"same_srcgeoip", true, false, CorrelatedField::srcgeoip},
    FieldOption{"same_dstgeoip", true, false, CorrelatedField::dstgeoip},
    FieldOption{"same_location", false, false, CorrelatedField::location},
    FieldOption{"same_srcuser", false, false, CorrelatedField::srcuser},
    FieldOption{"same_user", false, false, CorrelatedField::user},
    FieldOption{"different_srcip", true, true, CorrelatedField::srcip},
    FieldOption{"not_same_source_ip", true, true, CorrelatedField::srcip},
    FieldOption{"different_dstip", false, true, CorrelatedField::dstip},
    FieldOption{"different_src_port", false, true, CorrelatedField::srcport},
    FieldOption{"different_srcport", false, true, CorrelatedField::srcport},
    FieldOption{"different_dst_port", false, true, CorrelatedField::dstport},
    FieldOption{"different_dstport", false, true, CorrelatedField::dstport},
    FieldOption{"different_protocol", true, true, CorrelatedField::protocol},
    FieldOption{"different_action", true, true, CorrelatedField::action},
    FieldOption{"different_id", true, true, CorrelatedField::id},
    FieldOption{"not_same_id", true, true, CorrelatedField::id},
    FieldOption{"different_url", true, true, CorrelatedField::url},
    FieldOption{"different_data", true, true, CorrelatedField::data},
    FieldOption{"different_extra_data", true, true, CorrelatedField::extra_data},
    FieldOption{"different_status", true, true, CorrelatedField::status},
    FieldOption{"different_system_name", true, true, CorrelatedField::system_name},
    FieldOption{"different_srcgeoip", true, true, CorrelatedField::srcgeoip},
    FieldOption{"different_dstgeoip", true, true, CorrelatedField::dstgeoip},
    FieldOption{"different_srcuser", false, true, CorrelatedField::srcuser},
    FieldOption{"different_user", false, true, CorrelatedField::user},
    FieldOption{"not_same_user", false, true, CorrelatedField::user},
    FieldOption{"different_location", false, true, CorrelatedField::location},
};

const FieldOption* find_field_option(std::string_view name) {
  for (const FieldOption& option : kFieldOptions) {
    if (option.exact_case ? name == option.name : iequals(name, option.name)) return &option;
  }
  return nullptr;
}

std::ptrdiff_t find_pattern_option(std::string_view name) {
  for (std::size_t i = 0; i < kPatternOptionCount; ++i) {
    if (iequals(name, kPatternOptions[i].name)) return static_cast<std::ptrdiff_t>(i);
  }
  return -1;
}

std::optional<ListField> parse_list_field(std::string_view name) {
  struct Entry {
    std::string_view name;
    ListField field;
  };
  static constexpr std::array kEntries{
      Entry{"srcip", ListField::srcip},
      Entry{"srcport", ListField::srcport},
      Entry{"dstip", ListField::dstip},
      Entry{"dstport", ListField::dstport},
      Entry{"user", ListField::user},
      Entry{"url", ListField::url},
      Entry{"id", ListField::id},
      Entry{"hostname", ListField::hostname},
      Entry{"program_name", ListField::program_name},
      Entry{"status", ListField::status},
      Entry{"action", ListField::action},
      Entry{"protocol", ListField::protocol},
      Entry{"system_name", ListField::system_name},
      Entry{"data", ListField::data},
      Entry{"extra_data", ListField::extra_data},
  };
  for (const Entry& entry : kEntries) {
    if (iequals(name, entry.name)) return entry.field;
  }
  return std::nullopt;
}

void read_mitre_block(const XmlElement& option, Rule& rule, MitreFormats& formats, const RuleParseContext& context,
                      LoadWarnings& warnings) {
  auto warning = [&](const XmlElement& at, const std::string& what) { warn(warnings, context, at, what); };
  const std::string rule_name = "rule " + std::to_string(rule.id);
  if (option.children.empty()) {
    warning(option, "empty mitre information for " + rule_name);
    return;
  }
  bool has_id = false, has_tactic = false, has_technique = false, failure = false;
  int tactics = 0, techniques = 0;
  for (const XmlElement& child : option.children) {
    const bool is_id = iequals(child.name, "id");
    const bool is_tactic = iequals(child.name, "tacticID");
    const bool is_technique = iequals(child.name, "techniqueID");
    if (!is_id && !is_tactic && !is_technique) {
      warning(child, "invalid mitre option '" + child.name + "' for " + rule_name + " (block discarded)");
      failure = true;
    } else if (child.content.empty()) {
      warning(child, "empty mitre " + child.name + " for " + rule_name + " (block discarded)");
      failure = true;
    } else {
      has_id |= is_id;
      has_tactic |= is_tactic;
      has_technique |= is_technique;
      tactics += is_tactic;
      techniques += is_technique;
    }
  }
  if (failure) return;
  if (has_id) {
    if (has_tactic || has_technique) {
      warning(option, rule_name + " mixes the old and new mitre formats in one block (block discarded)");
      return;
    }
    if (formats.new_format) {
      warning(option, rule_name + " mixes the old and new mitre formats: the old ids are discarded");
      rule.mitre_ids.clear();
      return;
    }
    formats.old_format = true;
    for (const XmlElement& child : option.children) {
      if (std::find(rule.mitre_ids.begin(), rule.mitre_ids.end(), child.content) == rule.mitre_ids.end()) {
        rule.mitre_ids.push_back(child.content);
      }
    }
    return;
  }
  if (!has_tactic || !has_technique) {
    warning(option, std::string("mitre ") + (has_tactic ? "techniqueID" : "tacticID") + " should be defined in " +
                        rule_name + " (block discarded)");
    return;
  }
  if (tactics > 1 || techniques > 1) {
    warning(option, rule_name + ": one techniqueID and one tacticID per mitre block (block discarded)");
    return;
  }
  formats.new_format = true;
  if (formats.old_format) {
    warning(option, rule_name + " mixes the old and new mitre formats: the old ids are discarded");
    rule.mitre_ids.clear();
    formats.old_format = false;
  }
  MitreTechnique technique;
  for (const XmlElement& child : option.children) {
    (iequals(child.name, "tacticID") ? technique.tactic_id : technique.technique_id) = child.content;
  }
  const bool known = std::any_of(rule.mitre_techniques.begin(), rule.mitre_techniques.end(), [&](const auto& known) {
    return known.tactic_id == technique.tactic_id && known.technique_id == technique.technique_id;
  });
  if (!known) rule.mitre_techniques.push_back(std::move(technique));
}

}  // namespace herald::analysis
