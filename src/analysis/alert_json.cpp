#include "analysis/alert_json.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>

#include "analysis/os_match.h"

namespace herald::analysis {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxLocation = 1023;  // json_extended.c's MAX_STRING buffers
constexpr std::size_t kMaxRootcheckLog = 1023;
constexpr std::size_t kRootcheckMatches = 10;     // MAX_MATCHES
constexpr std::size_t kRootcheckMatchBytes = 29;  // MAX_STRING_LESS - 1
constexpr std::size_t kMaxFieldNesting = 16;

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

// cJSON_GetObjectItem compares keys ignoring case: Wazuh's nesting and "first one wins" do too.
json::value* find_nocase(json::object& object, std::string_view key) {
  for (auto& entry : object) {
    if (nocase::equal(entry.key(), key)) return &entry.value();
  }
  return nullptr;
}

// W_JSON_AddField: "a.b.c" nests, an existing leaf is kept, "[...]" that parses is an array.
// Nesting stops at kMaxFieldNesting levels (Wazuh has no bound): the rest of the name is one key.
void add_field(json::object& data, std::string_view key, std::string_view value) {
  json::object* into = &data;
  for (std::size_t depth = 0;; ++depth) {
    const std::size_t dot = depth < kMaxFieldNesting ? key.find('.') : std::string_view::npos;
    if (dot == std::string_view::npos) break;
    const std::string_view head = key.substr(0, dot);
    if (json::value* existing = find_nocase(*into, head)) {
      if (!existing->is_object()) return;
      into = &existing->as_object();
    } else {
      into = &(*into)[head].emplace_object();
    }
    key.remove_prefix(dot + 1);
  }
  if (find_nocase(*into, key) != nullptr) return;
  if (!value.empty() && value.front() == '[' && value.back() == ']') {
    boost::system::error_code error;
    json::value parsed = json::parse(value, error);
    if (!error) {
      (*into)[key] = std::move(parsed);
      return;
    }
  }
  (*into)[key] = value;
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

json::array& array_member(json::object& object, std::string_view key) {
  if (json::value* existing = find_nocase(object, key); existing != nullptr && existing->is_array()) {
    return existing->as_array();
  }
  return object[key].emplace_array();
}

// W_JSON_ParseGroups: compliance groups go to arrays of their own, prefix removed.
void add_groups(json::object& rule, const std::vector<std::string>& groups) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kCompliance{{
      {"pci_dss_", "pci_dss"},
      {"cis_", "cis"},
      {"gdpr_", "gdpr"},
      {"gpg13_", "gpg13"},
      {"hipaa_", "hipaa"},
      {"nist_800_53_", "nist_800_53"},
      {"tsc_", "tsc"},
  }};
  // "groups" keeps its place before the compliance keys; its array is filled apart, as adding a
  // key may move the object's members (a reference into it would dangle).
  rule["groups"].emplace_array();
  json::array plain;
  for (const std::string& group : groups) {
    bool compliance = false;
    for (const auto& [prefix, key] : kCompliance) {
      if (group.starts_with(prefix)) {
        array_member(rule, key).emplace_back(std::string_view(group).substr(prefix.size()));
        compliance = true;
        break;
      }
    }
    if (!compliance) plain.emplace_back(group);
  }
  rule["groups"] = std::move(plain);
}

// add_SCA_groups: data.sca.check.compliance.<key> = "a, b" adds rule.<key> = ["a", "b"].
void add_sca_compliance(json::object& rule, const json::object& data) {
  const json::value* sca = data.if_contains("sca");
  const json::value* check = sca != nullptr && sca->is_object() ? sca->as_object().if_contains("check") : nullptr;
  const json::value* compliance =
      check != nullptr && check->is_object() ? check->as_object().if_contains("compliance") : nullptr;
  if (compliance == nullptr || !compliance->is_object()) return;
  for (const auto& entry : compliance->as_object()) {
    if (!entry.value().is_string()) continue;
    const std::string_view text = entry.value().as_string();
    json::array values;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find(',', start), text.size());
      if (const std::string_view piece = trim(text.substr(start, end - start)); !piece.empty())
        values.emplace_back(piece);
      start = end + 1;
    }
    if (json::value* existing = find_nocase(rule, entry.key()); existing != nullptr && existing->is_array()) {
      for (auto& value : values) existing->as_array().push_back(std::move(value));
    } else if (existing == nullptr && !values.empty()) {
      rule[entry.key()] = std::move(values);
    }
  }
}

bool word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// W_JSON_ParseRootcheck: "{PCI_DSS: 2.2.4, 2.2.5}" in a rootcheck log adds rule.pci_dss.
// Wazuh matches \{([A-Za-z0-9_]*: [A-Za-z0-9_., ]*)\} over the first 1023 bytes.
void add_rootcheck_compliance(json::object& rule, std::string_view log) {
  log = log.substr(0, kMaxRootcheckLog);
  log = log.substr(0, log.find('\0'));
  std::size_t found = 0;
  std::size_t position = 0;
  while (found < kRootcheckMatches && (position = log.find('{', position)) != std::string_view::npos) {
    std::size_t i = position + 1;
    while (i < log.size() && word_char(log[i])) ++i;
    if (i + 1 >= log.size() || log[i] != ':' || log[i + 1] != ' ') {
      ++position;
      continue;
    }
    i += 2;
    while (i < log.size() && (word_char(log[i]) || log[i] == '.' || log[i] == ',' || log[i] == ' ')) ++i;
    if (i >= log.size() || log[i] != '}') {
      ++position;
      continue;
    }
    std::string_view inside = log.substr(position + 1, i - position - 1).substr(0, kRootcheckMatchBytes);
    position = i + 1;
    ++found;
    const std::size_t colon = inside.find(':');
    std::string key(trim(inside.substr(0, colon)));
    if (key.empty()) continue;
    for (char& c : key) c = static_cast<char>(nocase::lower(static_cast<unsigned char>(c)));
    json::array& values = array_member(rule, key);
    if (colon == std::string_view::npos) continue;
    const std::string_view list = trim(inside.substr(colon + 1));
    std::size_t start = 0;
    while (start < list.size()) {
      const std::size_t end = std::min(list.find(',', start), list.size());
      if (const std::string_view piece = trim(list.substr(start, end - start)); !piece.empty())
        values.emplace_back(piece);
      start = end + 1;
    }
  }
}

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// The host of a syslog header at the start of the log: "Mmm dd hh:mm:ss host".
std::optional<std::string_view> header_host(std::string_view log) {
  if (log.size() < 17) return std::nullopt;
  const bool header = log[0] >= 'A' && log[0] <= 'Z' && log[1] >= 'a' && log[1] <= 'z' && log[2] >= 'a' &&
                      log[2] <= 'z' && log[3] == ' ' && (log[4] == ' ' || (log[4] >= '0' && log[4] <= '3')) &&
                      digit(log[5]) && log[6] == ' ' && digit(log[7]) && digit(log[8]) && log[9] == ':' &&
                      digit(log[10]) && digit(log[11]) && log[12] == ':' && digit(log[13]) && digit(log[14]) &&
                      log[15] == ' ' && log[16] != ' ';
  if (!header) return std::nullopt;
  const std::string_view rest = log.substr(16);
  return rest.substr(0, rest.find(' '));
}

bool contains(const json::array& values, std::string_view text) {
  return std::any_of(values.begin(), values.end(), [&](const json::value& v) { return v.as_string() == text; });
}

// Without a catalog: the rule's ids, both formats, each once.
json::object mitre_ids_only(const Alert& alert) {
  json::array ids;
  for (const std::string& id : alert.mitre_ids) ids.emplace_back(id);
  for (const MitreTechnique& technique : alert.mitre_techniques) {
    if (!contains(ids, technique.technique_id)) ids.emplace_back(technique.technique_id);
  }
  return json::object{{"id", std::move(ids)}};
}

// Wazuh's rules (format/to_json.c): the tactic/technique pairs when the rule has them — a pair
// counts when the technique is known and has that tactic, each technique once — else the
// deprecated ids, all written, with the names and every tactic of those that are known. No
// tactic found: no "mitre" at all.
std::optional<json::object> mitre_with_names(const Alert& alert, const MitreCatalog& catalog) {
  json::array ids, tactics, techniques;
  if (!alert.mitre_techniques.empty()) {
    for (const MitreTechnique& pair : alert.mitre_techniques) {
      const auto* technique = catalog.find(pair.technique_id);
      if (technique == nullptr) continue;
      const auto tactic = std::find_if(technique->tactics.begin(), technique->tactics.end(),
                                       [&](const MitreTactic& t) { return t.id == pair.tactic_id; });
      if (tactic == technique->tactics.end()) continue;
      if (!contains(tactics, tactic->name)) tactics.emplace_back(tactic->name);
      if (!contains(techniques, technique->name)) {
        ids.emplace_back(technique->id);
        techniques.emplace_back(technique->name);
      }
    }
  } else {
    for (const std::string& id : alert.mitre_ids) {
      ids.emplace_back(id);
      const auto* technique = catalog.find(id);
      if (technique == nullptr) continue;
      for (const MitreTactic& tactic : technique->tactics) {
        if (!contains(tactics, tactic.name)) tactics.emplace_back(tactic.name);
      }
      techniques.emplace_back(technique->name);
    }
  }
  if (tactics.empty()) return std::nullopt;
  return json::object{{"id", std::move(ids)}, {"tactic", std::move(tactics)}, {"technique", std::move(techniques)}};
}

void add_rule(json::object& root, const Alert& alert, const MitreCatalog* catalog) {
  json::object& rule = root["rule"].emplace_object();
  if (alert.level != 0) rule["level"] = alert.level;
  rule["description"] = alert.description;
  if (alert.rule_id != 0) rule["id"] = std::to_string(alert.rule_id);
  if (!alert.mitre_ids.empty() || !alert.mitre_techniques.empty()) {
    if (catalog == nullptr) {
      rule["mitre"] = mitre_ids_only(alert);
    } else if (auto mitre = mitre_with_names(alert, *catalog)) {
      rule["mitre"] = std::move(*mitre);
    }
  }
  if (alert.cve) rule["cve"] = *alert.cve;
  if (alert.info) rule["info"] = *alert.info;
  if (alert.frequency) rule["frequency"] = *alert.frequency;
  if (alert.firedtimes) rule["firedtimes"] = *alert.firedtimes;
  rule["mail"] = alert.mail;
}

void add_data(json::object& root, const Alert& alert) {
  const Event& event = alert.event;
  json::object data;
  auto add_static = [&](std::string_view key, StaticField field) {
    if (auto value = event.static_field(field)) data[key] = *value;
  };
  add_static("protocol", StaticField::protocol);
  add_static("action", StaticField::action);
  add_static("srcip", StaticField::srcip);
  add_static("srcport", StaticField::srcport);
  add_static("srcuser", StaticField::srcuser);
  add_static("dstip", StaticField::dstip);
  add_static("dstport", StaticField::dstport);
  add_static("dstuser", StaticField::dstuser);
  add_static("id", StaticField::id);
  add_static("status", StaticField::status);
  add_static("url", StaticField::url);
  add_static("data", StaticField::data);
  add_static("extra_data", StaticField::extra_data);
  add_static("system_name", StaticField::system_name);
  const bool dynamic = !event.decoder_name.empty() && !event.decoder_name.starts_with("syscheck_");
  if (dynamic) {
    for (const DynamicField& field : event.dynamic_fields()) {
      if (!field.value.empty()) add_field(data, field.name, field.value);
    }
  }
  json::object& decoder = root["decoder"].emplace_object();
  if (alert.decoder_accumulate) decoder["accumulate"] = 1;
  if (!event.parent_decoder_name.empty()) decoder["parent"] = event.parent_decoder_name;
  if (!event.decoder_name.empty()) decoder["name"] = event.decoder_name;
  if (!alert.decoder_ftscomment.empty()) decoder["ftscomment"] = alert.decoder_ftscomment;
  if (!alert.previous_log.empty()) root["previous_log"] = alert.previous_log;
  if (!data.empty()) root["data"] = std::move(data);
}

// W_ParseJSON: agent name and ip, predecoder.hostname, location, agentless, groups.
void add_derived(json::object& root, const Alert& alert, const AlertJsonOptions& options) {
  const Event& event = alert.event;
  const std::string& location = event.location;
  const bool from_agent = !location.empty() && location.front() == '(';
  if (event.hostname.has_value()) {
    json::object& agent = root["agent"].as_object();  // valid until root grows
    if (from_agent) {
      agent["name"] = event.hostname.view();
    } else if (event.agent_id == "000") {
      agent["name"] = options.manager_name;
    }
    if (from_agent) {  // "(name) ip->path"
      const std::size_t close = location.find(')');
      if (close != std::string::npos && close + 2 <= location.size()) {
        std::string_view ip = std::string_view(location).substr(close + 2);
        ip = ip.substr(0, ip.find('-'));
        if (ip != "any") agent["ip"] = ip;
      }
    }
    if (auto host = header_host(event.full_log)) {
      json::value* predecoder = root.if_contains("predecoder");
      if (predecoder == nullptr) predecoder = &(root["predecoder"] = json::object());
      predecoder->as_object()["hostname"] = *host;
    }
  }
  if (from_agent) {
    const std::string_view shown = std::string_view(location).substr(0, kMaxLocation);
    if (const std::size_t arrow = shown.find('>'); arrow != std::string_view::npos) {
      root["location"] = shown.substr(arrow + 1);
    }
  } else {
    root["location"] = location;
  }
  // Agentless devices: "(script) user@host->location" from the manager.
  if (from_agent && event.agent_id == "000") {
    const std::string_view text(location);
    const std::size_t user = text.find(") ");
    const std::size_t at = user == std::string_view::npos ? user : text.find('@', user + 2);
    const std::size_t arrow = at == std::string_view::npos ? at : text.find("->", at + 1);
    if (arrow != std::string_view::npos) {
      root["agentless"] = json::object{{"script", text.substr(1, user - 1)},
                                       {"user", text.substr(user + 2, at - user - 2)},
                                       {"host", text.substr(at + 1, arrow - at - 1)}};
      root.erase("agent");
    }
  }
  json::object& rule = root["rule"].as_object();
  add_groups(rule, alert.groups);
  if (const json::value* data = root.if_contains("data"); data != nullptr && data->is_object()) {
    add_sca_compliance(rule, data->as_object());
  }
  const json::array& groups = rule["groups"].as_array();
  const bool rootcheck = std::any_of(groups.begin(), groups.end(),
                                     [](const json::value& group) { return group.as_string() == "rootcheck"; });
  if (rootcheck) add_rootcheck_compliance(rule, event.full_log);
}

}  // namespace

std::string alert_timestamp(std::int64_t seconds, int milliseconds, int utc_offset_seconds) {
  const std::int64_t local = seconds + utc_offset_seconds;
  const std::int64_t days = floor_div(local, 86400);
  const std::int64_t in_day = local - days * 86400;
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const int offset = utc_offset_seconds < 0 ? -utc_offset_seconds : utc_offset_seconds;
  char text[160];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03d%c%02d%02d",
                static_cast<long long>(year), static_cast<long long>(month), static_cast<long long>(day),
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day % 3600 / 60),
                static_cast<long long>(in_day % 60), milliseconds % 1000, utc_offset_seconds < 0 ? '-' : '+',
                offset / 3600, offset % 3600 / 60);
  return text;
}

std::string alert_to_json(const Alert& alert, const AlertJsonOptions& options, std::uint64_t alert_offset) {
  const Event& event = alert.event;
  json::object root;
  root["timestamp"] = alert_timestamp(alert.time, alert.milliseconds, options.utc_offset_seconds);
  add_rule(root, alert, options.mitre.get());
  root["agent"].emplace_object();
  root["manager"] = json::object{{"name", options.manager_name}};
  root["id"] = std::to_string(alert.time) + "." + std::to_string(alert_offset);
  if (options.cluster_name || options.cluster_node) {
    json::object cluster;
    cluster["name"] = options.cluster_name.value_or("wazuh");
    if (options.cluster_node) cluster["node"] = *options.cluster_node;
    root["cluster"] = std::move(cluster);
  }
  if (alert.previous_output.size() >= 2 && !alert.previous_output[1].empty()) {
    std::string joined;
    for (std::size_t i = 0; i < alert.previous_output.size(); ++i) {
      if (i > 0) joined.push_back('\n');
      joined.append(alert.previous_output[i]);
    }
    root["previous_output"] = std::move(joined);
  }
  if (!alert.no_full_log) root["full_log"] = event.full_log;
  root["agent"].as_object()["id"] = event.agent_id;
  if (event.program_name.has_value() || event.timestamp.has_value()) {
    json::object predecoder;
    if (event.program_name.has_value()) predecoder["program_name"] = event.program_name.view();
    if (event.timestamp.has_value()) predecoder["timestamp"] = event.timestamp.view();
    root["predecoder"] = std::move(predecoder);
  }
  add_data(root, alert);
  add_derived(root, alert, options);
  return json::serialize(root);
}

}  // namespace herald::analysis
