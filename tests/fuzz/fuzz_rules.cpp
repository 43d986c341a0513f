// Wazuh rules: arbitrary bytes as a rules file into RuleSet::load (after the category templates,
// with one CDB list known), and events built from the same bytes evaluated against what loaded
// and against a small fixed ruleset that uses every stateful option; every alert is written as
// an alerts.json line. Events are read from the input as '\n'-separated lines: the first is the
// log, then "key=value" fields (static names set static fields, others dynamic ones,
// "decoder=" the decoder, "agent=" the agent); a line "--" starts the next event, one second
// later.
// Invariants: no crash, hang or escaping exception; a load either fails with a "path:line: "
// message or yields a tree whose children point at rules; alerts.json lines are JSON objects
// with a timestamp, a rule and an id; the correlation memory stays within its bounds.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/alert_json.h"
#include "analysis/rule_engine.h"
#include "analysis/rule_set.h"
#include "fuzz_check.h"

namespace {

using namespace herald::analysis;

constexpr std::string_view kTemplates = R"(
<group name="syslog,"><rule id="1" level="0" noalert="1"><category>syslog</category><description>s</description></rule></group>
<group name="ids,"><rule id="3" level="0" noalert="1"><category>ids</category><description>i</description></rule></group>
)";

constexpr std::string_view kFixed = R"(<group name="fixed,">
  <rule id="100" level="3"><match>fail</match><description>failure from $(srcip) for $(dstuser) $(x.y</description>
    <group>authentication_failed,pci_dss_10.2.4,</group><mitre><id>T1110</id></mitre></rule>
  <rule id="101" level="10" frequency="3" timeframe="30"><if_matched_sid>100</if_matched_sid><same_srcip />
    <different_user /><description>many</description></rule>
  <rule id="102" level="9" frequency="2" timeframe="30"><if_matched_group>authentication_failed</if_matched_group>
    <same_field>app</same_field><not_same_field>pid</not_same_field><global_frequency /><description>group</description></rule>
  <rule id="103" level="7" frequency="3" timeframe="30"><if_sid>100</if_sid><if_matched_regex>fail\d</if_matched_regex>
    <description>regex</description></rule>
  <rule id="104" level="6" ignore="5"><if_sid>100</if_sid><srcip>10.0.0.0/8</srcip><description>internal</description></rule>
  <rule id="105" level="5"><match>diff</match><check_diff /><description>changed</description></rule>
  <rule id="106" level="5"><match>fts</match><if_fts /><description>first</description></rule>
  <rule id="107" level="4"><match>ignore</match><ignore>srcip,app</ignore><description>records</description></rule>
  <rule id="108" level="4"><match>check</match><check_if_ignored>srcip,app</check_if_ignored><description>checks</description></rule>
  <rule id="109" level="2"><field name="app" type="pcre2">^a+$</field><list field="srcip" lookup="address_match_key">etc/lists/test</list>
    <description>listed</description></rule>
  <rule id="110" level="12"><regex>^(\w+) \d+$</regex><time>6 pm - 8 am</time><description>night</description></rule>
</group>)";

const ListRegistry& lists() {
  static const ListRegistry registry = [] {
    ListRegistry built;
    auto list = CdbList::parse("10.0.0.1:\n192.168.:x\n", "lists/test");
    if (list.ok()) built.add("etc/lists/test", std::make_shared<CdbList>(std::move(list).value()));
    return built;
  }();
  return registry;
}

bool decoder_names(std::string_view name) {
  return name.size() < 16 && name.find('!') == std::string_view::npos;
}

const RuleSet& fixed_rules() {
  static const RuleSet set = [] {
    LoadWarnings warnings;
    auto loaded = RuleSet::load({{"t.xml", std::string(kTemplates)}, {"f.xml", std::string(kFixed)}}, decoder_names,
                                lists(), warnings);
    FUZZ_CHECK(loaded.ok(), "the fixed ruleset loads");
    return std::move(loaded).value();
  }();
  return set;
}

std::vector<Event> events_from(std::string_view text) {
  std::vector<Event> events;
  events.emplace_back();
  bool first_line = true;
  std::size_t start = 0;
  while (start <= text.size() && events.size() <= 16) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    Event& event = events.back();
    if (first_line) {
      event.agent_id = "001";
      event.location = "(web1) 10.0.0.5->/var/log/x";
      event.full_log = std::string(line);
      event.set_log(0, event.full_log.size());
      event.hostname.assign("web1");
      event.decoder_name = "sshd";
      first_line = false;
      continue;
    }
    if (line == "--") {
      events.emplace_back();
      first_line = true;
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, equals), value = line.substr(equals + 1);
    if (key == "decoder") {
      event.decoder_name = std::string(value);
    } else if (key == "agent") {
      event.agent_id = std::string(value);
    } else if (key == "location") {
      event.location = std::string(value);
    } else {
      event.set_field(key, value);
    }
  }
  if (first_line && events.size() > 1) events.pop_back();
  return events;
}

void check_alert(const Alert& alert) {
  const std::string line = FUZZ_NO_THROW("alert_to_json", alert_to_json(alert, {}, 42));
  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  options.max_depth = 128;
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(line, error, {}, options);
  if (error || !value.is_object()) std::fprintf(stderr, "not JSON (%s): %s\n", error.message().c_str(), line.c_str());
  FUZZ_CHECK(!error && value.is_object(), "alerts.json lines are JSON objects");
  const auto& object = value.as_object();
  FUZZ_CHECK(object.contains("timestamp") && object.contains("rule") && object.contains("id"),
             "timestamp, rule and id are there");
}

void evaluate_all(const RuleSet& set, const std::vector<Event>& events, bool ids) {
  RuleEngineOptions options;
  options.correlation.max_events = 8;
  options.correlation.max_bytes = 4096;
  RuleEngine engine(set, options);
  FtsKeyFields fts;
  fts.any = true;
  fts.srcip = true;
  fts.dynamic = {"app"};
  EventDecoderInfo decoder;
  decoder.fts = &fts;
  if (ids) decoder.category = RuleCategory::ids;
  std::int64_t now = 1'700'000'000;
  for (int round = 0; round < 2; ++round) {
    for (const Event& event : events) {
      auto alert = FUZZ_NO_THROW("evaluate", engine.evaluate(event, decoder, now++));
      if (alert) {
        FUZZ_CHECK(set.find(alert->rule_id) != nullptr, "an alert names a loaded rule");
        check_alert(*alert);
      }
      FUZZ_CHECK(engine.correlation().stored_events() <= 8, "stored events are bounded");
    }
  }
}

void check_tree(const RuleSet& set) {
  for (const RuleSet::Node& node : set.nodes()) {
    FUZZ_CHECK(node.rule < set.size(), "a node points at a rule");
    for (std::uint32_t child : set.children(node)) FUZZ_CHECK(child < set.nodes().size(), "a child is a node");
  }
  for (std::size_t i = 0; i < set.size(); ++i) {
    FUZZ_CHECK(set.links(i).search_list < static_cast<int>(set.list_count()), "a search list exists");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = herald::fuzz::as_text(data, size);
  const std::vector<Event> events = events_from(text);
  evaluate_all(fixed_rules(), events, size > 0 && data[0] % 2 == 1);

  LoadWarnings warnings;
  auto loaded = FUZZ_NO_THROW("RuleSet::load",
                              RuleSet::load({{"t.xml", std::string(kTemplates)}, {"fuzz.xml", std::string(text)}},
                                            decoder_names, lists(), warnings));
  if (!loaded.ok()) {
    const std::string& message = loaded.error().message;
    FUZZ_CHECK(message.starts_with("fuzz.xml:") || message.starts_with("t.xml:"), "errors name the file");
    return 0;
  }
  for (const std::string& warning : warnings) FUZZ_CHECK(warning.starts_with("fuzz.xml:"), "warnings name the file");
  check_tree(*loaded);
  evaluate_all(*loaded, events, false);
  return 0;
}
