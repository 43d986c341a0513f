#pragma once
// Internal to rule_parser.cpp: the pieces of reading a <rule> that do not need the option loop's
// state (messages, attributes, the option name tables, pattern compilation, <mitre> blocks).
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/os_match.h"
#include "analysis/rule.h"
#include "analysis/rule_parser.h"
#include "core/result.h"

namespace herald::analysis {

// Wazuh's loadmemory refuses texts of this size (OS_SIZE_2048).
inline constexpr std::size_t kMaxOptionText = 2048;
// Wazuh's decoder_order_size default: the most <field> tests and ignore fields per rule.
inline constexpr std::size_t kMaxRuleFields = 256;
inline constexpr std::size_t kMaxInfoDetails = 32;  // MAX_RULEINFODETAIL

inline bool iequals(std::string_view a, std::string_view b) {
  return nocase::equal(a, b);
}

// "path:line: "
std::string location_of(const RuleParseContext& context, const XmlElement& element);
// invalid_argument "path:line: <element>: what".
core::Error element_error(const RuleParseContext& context, const XmlElement& element, std::string_view what);
void warn(LoadWarnings& warnings, const RuleParseContext& context, const XmlElement& element, std::string_view what);

// A pattern option as the loop collects it: texts concatenated, the last negate/type win.
struct PatternText {
  bool present = false;
  std::string text;
  bool negate = false;
  std::optional<PatternType> type;  // nullopt: an exact string (<action> without a type)
  const XmlElement* last = nullptr;
};

struct PendingAddress {
  bool present = false;
  IpMatchList addresses;
  bool negate = false;
};

// What `negate="..."` says; Wazuh warns about other values and takes "no".
bool negate_attribute(const XmlElement& element, const RuleParseContext& context, int rule_id, LoadWarnings& warnings);
// What `type="..."` says; Wazuh warns about other values and keeps the option's default.
std::optional<PatternType> type_attribute(const XmlElement& element, std::optional<PatternType> fallback,
                                          const RuleParseContext& context, int rule_id, LoadWarnings& warnings);
// Appends an option's text as Wazuh's loadmemory (refusing what it refuses).
core::Status append_text(std::string& to, const XmlElement& element, const RuleParseContext& context);
core::Result<std::optional<ValueTest>> compile_test(const PatternText& pending, std::string_view option,
                                                    const RuleParseContext& context, int rule_id);
// atoi of a string of digits, saturated at INT_MAX + 1 (Wazuh's atoi would overflow).
long long saturated_number(std::string_view digits);

struct RuleAttributes {
  int id = -1;
  int level = -1;
  int maxsize = 0;
  int timeframe = 360;
  int frequency = 0;  // as Wazuh keeps it: the attribute minus 2
  int accuracy = 1;
  bool noalert = false;
  int ignore = 0;
  bool overwrite = false;
};
core::Result<RuleAttributes> read_attributes(const XmlElement& element, const RuleParseContext& context,
                                             LoadWarnings& warnings);

// The correlation options that set one bit (Wazuh compares some of these names exactly and
// the others ignoring case).
struct FieldOption {
  std::string_view name;
  bool exact_case;
  bool different;
  CorrelatedField field;
};
const FieldOption* find_field_option(std::string_view name);

// The pattern options: name, default type (nullopt: exact string).
struct PatternOption {
  std::string_view name;
  std::optional<PatternType> default_type;
};
inline constexpr std::array kPatternOptions{
    PatternOption{"regex", PatternType::osregex},        PatternOption{"match", PatternType::osmatch},
    PatternOption{"user", PatternType::osmatch},         PatternOption{"srcgeoip", PatternType::osmatch},
    PatternOption{"dstgeoip", PatternType::osmatch},     PatternOption{"id", PatternType::osmatch},
    PatternOption{"srcport", PatternType::osmatch},      PatternOption{"dstport", PatternType::osmatch},
    PatternOption{"status", PatternType::osmatch},       PatternOption{"hostname", PatternType::osmatch},
    PatternOption{"data", PatternType::osmatch},         PatternOption{"extra_data", PatternType::osmatch},
    PatternOption{"program_name", PatternType::osmatch}, PatternOption{"action", std::nullopt},
    PatternOption{"system_name", PatternType::osmatch},  PatternOption{"protocol", PatternType::osmatch},
    PatternOption{"location", PatternType::osmatch},     PatternOption{"url", PatternType::osmatch},
};
inline constexpr std::size_t kPatternOptionCount = kPatternOptions.size();
std::ptrdiff_t find_pattern_option(std::string_view name);

std::optional<ListField> parse_list_field(std::string_view name);

// Reads one <mitre> block into the rule; Wazuh discards a malformed one with a warning and keeps
// loading. `formats` remembers, across a rule's blocks, which formats were seen.
struct MitreFormats {
  bool old_format = false;
  bool new_format = false;
};
void read_mitre_block(const XmlElement& option, Rule& rule, MitreFormats& formats, const RuleParseContext& context,
                      LoadWarnings& warnings);

}  // namespace herald::analysis
