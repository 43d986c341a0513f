#pragma once
// A loaded Wazuh 4.x rule: every option of the ruleset XML syntax, compiled, with the meaning
// Wazuh's analysisd gives it (src/analysisd/rules.c). RuleSet::load builds these; RuleEngine
// evaluates them. Plain values, immutable once the RuleSet holding them is built.
//
// Defaults that follow Wazuh:
//  * pattern options are OS_Match (<match>, <user>, <url>, <id>, <srcport>, ... ) except <regex>
//    and <field> (OS_Regex) and <action> (an exact, case-sensitive string comparison); a
//    `type="osregex|osmatch|pcre2"` attribute changes that, `negate="yes"` inverts the test;
//  * repeating an option concatenates its text (Wazuh's loadmemory: "<match>a</match>
//    <match>b</match>" is the pattern "ab"), except <srcip>/<dstip> whose addresses accumulate
//    and <field>/<list>/<same_field>/<different_field>/<mitre>/<info> which add one each;
//  * the negate/type of a repeated option is the last one written.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/cdb_list.h"
#include "analysis/ip_match.h"
#include "analysis/os_match.h"
#include "analysis/os_regex.h"
#include "analysis/pattern.h"
#include "analysis/time_window.h"

namespace herald::analysis {

// <category>: what kind of decoder a top-level rule (and the rules under it) applies to. The
// category of an event is its decoder's <type> (syslog unless said otherwise).
enum class RuleCategory : std::uint8_t { syslog, firewall, ids, web_log, squid, windows, ossec };
// Wazuh's spelling ("web-log"...), compared exactly.
std::optional<RuleCategory> parse_rule_category(std::string_view text);
std::string_view to_string(RuleCategory category);

// The static event fields same_* / different_* compare, in Wazuh's bit order (FIELD_SRCIP ...
// FIELD_LOCATION). `user` is the destination user (Wazuh's dstuser).
enum class CorrelatedField : std::uint8_t {
  srcip,
  id,
  dstip,
  srcport,
  dstport,
  srcuser,
  user,
  protocol,
  action,
  url,
  data,
  extra_data,
  status,
  system_name,
  srcgeoip,
  dstgeoip,
  location,
};
inline constexpr std::size_t kCorrelatedFieldCount = 17;
using CorrelatedFields = std::uint32_t;  // bit i = CorrelatedField(i)
constexpr CorrelatedFields bit(CorrelatedField field) {
  return CorrelatedFields{1} << static_cast<unsigned>(field);
}

// One test of an event value: a compiled pattern, or for <action> without a type an exact
// comparison (Wazuh's EXP_TYPE_STRING).
struct ValueTest {
  std::optional<Pattern> pattern;  // empty: compare with `exact`
  std::string exact;
  bool negate = false;  // applies to `exact`; a pattern carries its own

  bool test(std::string_view value) const;
};

// <field name="...">: a test on a dynamic field (a static name is refused at load).
struct FieldTest {
  std::string name;
  ValueTest test;
};

// <srcip>/<dstip>: the addresses and networks of every such element, one negate.
struct AddressTest {
  IpMatchList addresses;
  bool negate = false;

  bool test(std::string_view address) const;
};

// The event value a <list field="..."> looks up.
enum class ListField : std::uint8_t {
  srcip,
  srcport,
  dstip,
  dstport,
  user,  // the source user, else the destination user (Wazuh's order for lists)
  url,
  id,
  hostname,
  program_name,
  status,
  action,
  protocol,
  system_name,
  data,
  extra_data,
  dynamic,
};

// <list field="" lookup="" check_value="">path</list>.
struct ListTest {
  ListField field = ListField::srcip;
  std::string dynamic_name;  // field == dynamic
  ListLookup lookup = ListLookup::match_key;
  std::optional<OsMatch> check_value;
  std::string path;  // as written, e.g. "etc/lists/audit-keys"
  std::shared_ptr<const CdbList> list;
};

// <ignore> / <check_if_ignored>: which values make up an ignore entry. The fixed slots are
// Wazuh's (decoder name, id, user, srcip, dstip, data, location); other words name dynamic
// fields.
struct IgnoreFields {
  bool name = false;
  bool id = false;
  bool user = false;
  bool srcip = false;
  bool dstip = false;
  bool data = false;
  bool location = false;
  std::vector<std::string> dynamic;

  bool empty() const { return !name && !id && !user && !srcip && !dstip && !data && !location && dynamic.empty(); }
};

// <compiled_rule>: Wazuh's built-in C checks, by their names.
enum class CompiledRule : std::uint8_t {
  none,
  srcuser_dstuser,                   // comp_srcuser_dstuser
  id_size,                           // check_id_size
  mswin_targetuser_calleruser_diff,  // comp_mswin_targetuser_calleruser_diff
  simple_http_request,               // is_simple_http_request
  valid_crawler,                     // is_valid_crawler
};
std::optional<CompiledRule> parse_compiled_rule(std::string_view name);

// <mitre><tacticID/><techniqueID/></mitre> (the current format).
struct MitreTechnique {
  std::string tactic_id;
  std::string technique_id;
};

// <info type="text|link|cve|osvdb"> and <cve>.
struct RuleInfoDetail {
  enum class Kind : std::uint8_t { text, link, cve, osvdb };
  Kind kind = Kind::text;
  std::string text;
};

// How a correlated rule finds its previous events (Wazuh's event_search).
enum class CorrelationSearch : std::uint8_t {
  none,
  matched_sid,    // if_matched_sid: the events that fired that rule
  matched_group,  // if_matched_group: the events that fired a rule of those groups
  last_events,    // neither: every stored alerted event (if_matched_regex, same_* alone)
};

struct Rule {
  int id = 0;
  int level = 0;
  int order = 0;  // position in load order, for stable views

  std::string description;  // first newline turned into a space, as Wazuh does
  // The enclosing <group name="..."> followed by every <group> element's text (newlines
  // dropped), concatenated as Wazuh does, and split on ','.
  std::string group_text;
  std::vector<std::string> groups;
  std::string file;
  int line = 0;
  bool overwritten = false;  // a later overwrite="yes" rule replaced the content

  // Tree placement (RuleSet::load uses them; kept for views).
  std::vector<int> if_sid;
  std::string if_group;
  int if_level = 0;
  RuleCategory category = RuleCategory::syslog;

  // Conditions, checked in Wazuh's order (rule_match.cpp).
  std::string decoded_as;  // empty: any decoder
  std::optional<ValueTest> program_name, id_test, system_name, protocol, match, regex, action, url, location;
  std::vector<FieldTest> fields;
  std::optional<AddressTest> srcip, dstip;
  std::optional<ValueTest> srcport, dstport;
  CompiledRule compiled = CompiledRule::none;
  std::optional<ValueTest> user, srcgeoip, dstgeoip;
  int maxsize = 0;  // the message must be at least this long
  std::optional<TimeWindow> time;
  std::optional<WeekdaySet> weekday;
  std::optional<ValueTest> data, extra_data, hostname, status;
  bool check_diff = false;
  bool if_fts = false;
  std::vector<ListTest> lists;

  // Correlation. The search runs when `context` holds and check_diff does not (Wazuh's
  // `context` flag: set by the if_matched_* and check_diff options, and copied by overwrite,
  // while `search` keeps what the original rule linked).
  CorrelationSearch search = CorrelationSearch::none;
  bool context = false;
  int if_matched_sid = 0;
  std::optional<OsMatch> if_matched_group;
  std::optional<OsRegex> if_matched_regex;
  int frequency = 2;    // events in the timeframe, this one included (the attribute; 2 if absent)
  int timeframe = 360;  // seconds (Wazuh's analysisd.default_timeframe)
  CorrelatedFields same_fields = 0;
  CorrelatedFields different_fields = 0;
  std::vector<std::string> same_dynamic;       // <same_field>
  std::vector<std::string> different_dynamic;  // <different_field>, <not_same_field>
  bool global_frequency = false;               // count events of every agent

  // Ignoring.
  int ignore_seconds = 0;  // ignore="N": after firing, the parent alerts instead for N s
  IgnoreFields ignore;
  IgnoreFields check_if_ignored;

  // Output.
  bool noalert = false;
  bool no_full_log = false;
  bool no_counter = false;
  bool no_ar = false;
  std::optional<bool> mail_option;               // alert_by_email / no_email_alert, the last one written
  std::optional<bool> log_option;                // log_alert / no_log, the last one written
  std::vector<std::string> mitre_ids;            // <mitre><id> (deprecated format)
  std::vector<MitreTechnique> mitre_techniques;  // <mitre><tacticID><techniqueID>
  std::vector<RuleInfoDetail> info_details;
  std::optional<std::string> info;  // every <info> text concatenated (alerts.json "info")
  std::optional<std::string> cve;   // every <cve> text concatenated (alerts.json "cve")

  // Whether the rule's groups include `group` exactly.
  bool has_group(std::string_view group) const;
};

}  // namespace herald::analysis
