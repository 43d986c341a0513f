#include "analysis/event.h"

#include <algorithm>

namespace herald::analysis {

namespace {

struct NamedField {
  std::string_view name;
  StaticField field;
};

// Indexed by StaticField.
constexpr std::array<std::string_view, kStaticFieldCount> kCanonicalNames = {
    "srcip", "dstip",  "srcport", "dstport", "protocol",   "action",      "srcuser",  "dstuser",
    "id",    "status", "url",     "data",    "extra_data", "system_name", "srcgeoip", "dstgeoip",
};

// What decode-xml.c accepts in <order>.
constexpr std::array<NamedField, 15> kOrderNames = {{
    {"srcip", StaticField::srcip},
    {"dstip", StaticField::dstip},
    {"srcport", StaticField::srcport},
    {"dstport", StaticField::dstport},
    {"protocol", StaticField::protocol},
    {"action", StaticField::action},
    {"srcuser", StaticField::srcuser},
    {"dstuser", StaticField::dstuser},
    {"user", StaticField::dstuser},
    {"id", StaticField::id},
    {"status", StaticField::status},
    {"url", StaticField::url},
    {"data", StaticField::data},
    {"extra_data", StaticField::extra_data},
    {"system_name", StaticField::system_name},
}};

// What the JSON decoder maps to static members ("user" is handled apart).
constexpr std::array<NamedField, 14> kJsonKeys = {{
    {"srcip", StaticField::srcip},
    {"dstip", StaticField::dstip},
    {"dstport", StaticField::dstport},
    {"srcport", StaticField::srcport},
    {"protocol", StaticField::protocol},
    {"action", StaticField::action},
    {"srcuser", StaticField::srcuser},
    {"dstuser", StaticField::dstuser},
    {"id", StaticField::id},
    {"status", StaticField::status},
    {"url", StaticField::url},
    {"data", StaticField::data},
    {"extra_data", StaticField::extra_data},
    {"systemname", StaticField::system_name},
}};

// The names rules.c refuses in <field name="...">.
constexpr std::array<std::string_view, 17> kRuleStaticNames = {
    "srcip", "dstip", "srcgeoip", "dstgeoip",   "srcport", "dstport",  "user",        "srcuser", "dstuser",
    "url",   "id",    "data",     "extra_data", "status",  "protocol", "system_name", "action",
};

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

template <std::size_t N>
std::optional<StaticField> find_named(const std::array<NamedField, N>& table, std::string_view name) {
  for (const auto& entry : table) {
    if (entry.name == name) return entry.field;
  }
  return std::nullopt;
}

std::size_t index_of(StaticField field) {
  return static_cast<std::size_t>(field);
}

}  // namespace

std::optional<StaticField> static_field_from_name(std::string_view name) {
  return find_named(kOrderNames, name);
}

std::string_view static_field_name(StaticField field) {
  return kCanonicalNames[index_of(field)];
}

bool is_static_field_name(std::string_view name) {
  return std::any_of(kRuleStaticNames.begin(), kRuleStaticNames.end(),
                     [name](std::string_view reserved) { return equals_ignoring_case(reserved, name); });
}

std::optional<StaticField> json_key_static_field(std::string_view key, const Event& event) {
  if (key == "user") {
    const auto dstuser = event.static_field(StaticField::dstuser);
    if (!dstuser || dstuser->empty()) return StaticField::dstuser;
    return std::nullopt;
  }
  return find_named(kJsonKeys, key);
}

Event::Event(std::size_t max_dynamic_fields) : max_dynamic_fields_(max_dynamic_fields) {}

std::string_view Event::log() const {
  const std::string_view text = full_log;
  if (log_offset_ >= text.size()) return {};
  return text.substr(log_offset_, log_length_);
}

void Event::set_log(std::size_t offset, std::size_t length) {
  log_offset_ = std::min(offset, full_log.size());
  log_length_ = std::min(length, full_log.size() - log_offset_);
}

std::optional<std::string_view> Event::static_field(StaticField field) const {
  return static_fields_[index_of(field)].get();
}

void Event::set_static_field(StaticField field, std::string_view value) {
  static_fields_[index_of(field)].assign(value);
}

void Event::clear_static_field(StaticField field) {
  static_fields_[index_of(field)].reset();
}

bool Event::append_field(std::string_view name, std::string_view value) {
  if (dynamic_count_ >= max_dynamic_fields_) return false;
  if (dynamic_count_ == dynamic_.size()) dynamic_.emplace_back();
  auto& slot = dynamic_[dynamic_count_++];
  slot.name.assign(name.data(), name.size());
  slot.value.assign(value.data(), value.size());
  return true;
}

std::optional<std::string_view> Event::dynamic_field(std::string_view name) const {
  for (std::size_t i = 0; i < dynamic_count_; ++i) {
    if (equals_ignoring_case(dynamic_[i].name, name)) return std::string_view(dynamic_[i].value);
  }
  return std::nullopt;
}

bool Event::set_field(std::string_view name, std::string_view value) {
  if (const auto field = static_field_from_name(name)) {
    set_static_field(*field, value);
    return true;
  }
  return append_field(name, value);
}

std::optional<std::string_view> Event::field(std::string_view name) const {
  if (const auto field = static_field_from_name(name)) return static_field(*field);
  return dynamic_field(name);
}

void Event::reset() {
  queue = 0;
  agent_id.clear();
  agent_name.clear();
  agent_ip.clear();
  location.clear();
  full_log.clear();
  timestamp.reset();
  header_hostname.reset();
  hostname.reset();
  program_name.reset();
  pid.reset();
  log_offset_ = 0;
  log_length_ = 0;
  decoder_name.clear();
  parent_decoder_name.clear();
  for (auto& field : static_fields_) field.reset();
  for (std::size_t i = 0; i < dynamic_count_; ++i) {
    dynamic_[i].name.clear();
    dynamic_[i].value.clear();
  }
  dynamic_count_ = 0;
}

}  // namespace herald::analysis
