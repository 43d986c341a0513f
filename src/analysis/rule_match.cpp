#include "analysis/rule_match.h"

#include <array>
#include <cstring>

namespace herald::analysis {
namespace {

bool test_optional(const std::optional<ValueTest>& test, std::optional<std::string_view> value) {
  if (!test) return true;
  return value && test->test(*value);
}

bool test_text(const std::optional<ValueTest>& test, const OptionalText& value) {
  if (!test) return true;
  return value.has_value() && test->test(value.view());
}

bool test_address(const std::optional<AddressTest>& test, std::optional<std::string_view> value) {
  if (!test) return true;
  return value && test->test(*value);
}

// Wazuh's compiled rules (analysisd/compiled_rules/generic_samples.c), by behaviour.
bool compiled_rule_holds(CompiledRule compiled, const Event& event) {
  switch (compiled) {
    case CompiledRule::none:
      return true;
    case CompiledRule::srcuser_dstuser: {  // true unless both users are present and differ
      const auto source = event.static_field(StaticField::srcuser);
      const auto destination = event.static_field(StaticField::dstuser);
      return !source || !destination || *source == *destination;
    }
    case CompiledRule::id_size: {
      const auto id = event.static_field(StaticField::id);
      return id && id->size() >= 10;
    }
    case CompiledRule::mswin_targetuser_calleruser_diff: {
      const std::string_view log = event.log();
      auto target = log.find("Target Account Name");
      auto caller = log.find("Caller User Name");
      if (target == std::string_view::npos || caller == std::string_view::npos) return false;
      target = log.find(':', target);
      caller = log.find(':', caller);
      if (target == std::string_view::npos || caller == std::string_view::npos) return false;
      // Compare the two names byte by byte up to a tab or a double space (Wazuh reads past the
      // caller's text as a C string would; here the end of the log ends it).
      for (++target, ++caller; target < log.size(); ++target, ++caller) {
        const char c = log[target];
        if (caller >= log.size() || c != log[caller]) return true;
        if (c == '\t' || (c == ' ' && target + 1 < log.size() && log[target + 1] == ' ')) break;
      }
      return false;
    }
    case CompiledRule::simple_http_request: {
      const auto url = event.static_field(StaticField::url);
      return url && (*url == "/" || url->find('?') == std::string_view::npos);
    }
    case CompiledRule::valid_crawler: {
      static constexpr std::array<std::string_view, 8> kCrawlers{"66.249.", "72.14.", "209.85.", "65.55.",
                                                                 "207.46.", "74.6.",  "72.30.",  "67.195."};
      const std::string_view log = event.log();
      for (std::string_view prefix : kCrawlers) {
        if (log.substr(0, prefix.size()) == prefix) return true;
      }
      return false;
    }
  }
  return false;
}

std::optional<std::string_view> list_value(const ListTest& test, const Event& event) {
  auto value_of = [&](StaticField field) { return event.static_field(field); };
  switch (test.field) {
    case ListField::srcip:
      return value_of(StaticField::srcip);
    case ListField::srcport:
      return value_of(StaticField::srcport);
    case ListField::dstip:
      return value_of(StaticField::dstip);
    case ListField::dstport:
      return value_of(StaticField::dstport);
    case ListField::user:  // lists look at the source user first (the opposite of <user>)
      if (auto user = value_of(StaticField::srcuser)) return user;
      return value_of(StaticField::dstuser);
    case ListField::url:
      return value_of(StaticField::url);
    case ListField::id:
      return value_of(StaticField::id);
    case ListField::hostname:
      return event.hostname.get();
    case ListField::program_name:
      return event.program_name.get();
    case ListField::status:
      return value_of(StaticField::status);
    case ListField::action:
      return value_of(StaticField::action);
    case ListField::protocol:
      return value_of(StaticField::protocol);
    case ListField::system_name:
      return value_of(StaticField::system_name);
    case ListField::data:
      return value_of(StaticField::data);
    case ListField::extra_data:
      return value_of(StaticField::extra_data);
    case ListField::dynamic:
      return event.dynamic_field(test.dynamic_name);
  }
  return std::nullopt;
}

}  // namespace

bool ValueTest::test(std::string_view value) const {
  if (pattern) return pattern->matches(value);
  return (value == exact) != negate;
}

bool AddressTest::test(std::string_view address) const {
  return addresses.matches(address) != negate;
}

std::optional<std::string_view> correlated_value(const Event& event, CorrelatedField field) {
  switch (field) {
    case CorrelatedField::srcip:
      return event.static_field(StaticField::srcip);
    case CorrelatedField::id:
      return event.static_field(StaticField::id);
    case CorrelatedField::dstip:
      return event.static_field(StaticField::dstip);
    case CorrelatedField::srcport:
      return event.static_field(StaticField::srcport);
    case CorrelatedField::dstport:
      return event.static_field(StaticField::dstport);
    case CorrelatedField::srcuser:
      return event.static_field(StaticField::srcuser);
    case CorrelatedField::user:
      return event.static_field(StaticField::dstuser);
    case CorrelatedField::protocol:
      return event.static_field(StaticField::protocol);
    case CorrelatedField::action:
      return event.static_field(StaticField::action);
    case CorrelatedField::url:
      return event.static_field(StaticField::url);
    case CorrelatedField::data:
      return event.static_field(StaticField::data);
    case CorrelatedField::extra_data:
      return event.static_field(StaticField::extra_data);
    case CorrelatedField::status:
      return event.static_field(StaticField::status);
    case CorrelatedField::system_name:
      return event.static_field(StaticField::system_name);
    case CorrelatedField::srcgeoip:
      return event.static_field(StaticField::srcgeoip);
    case CorrelatedField::dstgeoip:
      return event.static_field(StaticField::dstgeoip);
    case CorrelatedField::location:
      return std::string_view(event.location);
  }
  return std::nullopt;
}

bool conditions_hold(const Rule& rule, const Event& event, const LocalClock& clock) {
  if (!rule.decoded_as.empty() && rule.decoded_as != event.decoder_name) return false;
  if (!test_text(rule.program_name, event.program_name)) return false;
  if (!test_optional(rule.id_test, event.static_field(StaticField::id))) return false;
  if (!test_optional(rule.system_name, event.static_field(StaticField::system_name))) return false;
  if (!test_optional(rule.protocol, event.static_field(StaticField::protocol))) return false;
  const std::string_view log = event.log();
  if (rule.match && !rule.match->test(log)) return false;
  if (rule.regex && !rule.regex->test(log)) return false;
  if (!test_optional(rule.action, event.static_field(StaticField::action))) return false;
  if (!test_optional(rule.url, event.static_field(StaticField::url))) return false;
  if (rule.location && !rule.location->test(event.location)) return false;
  for (const FieldTest& field : rule.fields) {
    const auto value = event.dynamic_field(field.name);
    if (!value || !field.test.test(*value)) return false;
  }
  if (!test_address(rule.srcip, event.static_field(StaticField::srcip))) return false;
  if (!test_address(rule.dstip, event.static_field(StaticField::dstip))) return false;
  if (!test_optional(rule.srcport, event.static_field(StaticField::srcport))) return false;
  if (!test_optional(rule.dstport, event.static_field(StaticField::dstport))) return false;
  if (!compiled_rule_holds(rule.compiled, event)) return false;
  if (rule.user) {  // the destination user first, else the source user
    auto user = event.static_field(StaticField::dstuser);
    if (!user) user = event.static_field(StaticField::srcuser);
    if (!user || !rule.user->test(*user)) return false;
  }
  if (!test_optional(rule.srcgeoip, event.static_field(StaticField::srcgeoip))) return false;
  if (!test_optional(rule.dstgeoip, event.static_field(StaticField::dstgeoip))) return false;
  if (rule.maxsize > 0 && log.size() < static_cast<std::size_t>(rule.maxsize)) return false;
  if (rule.time && !rule.time->matches(clock.hour, clock.minute)) return false;
  if (rule.weekday && !rule.weekday->matches(clock.weekday)) return false;
  if (!test_optional(rule.data, event.static_field(StaticField::data))) return false;
  if (!test_optional(rule.extra_data, event.static_field(StaticField::extra_data))) return false;
  if (!test_text(rule.hostname, event.hostname)) return false;
  if (!test_optional(rule.status, event.static_field(StaticField::status))) return false;
  return true;
}

bool lists_hold(const Rule& rule, const Event& event) {
  for (const ListTest& test : rule.lists) {
    const auto value = list_value(test, event);
    if (!value) return false;
    const OsMatch* check = test.check_value ? &*test.check_value : nullptr;
    ValuePredicate predicate;
    if (check != nullptr) predicate = [check](std::string_view listed) { return check->matches(listed); };
    if (!test.list->lookup(test.lookup, *value, predicate)) return false;
  }
  return true;
}

}  // namespace herald::analysis
