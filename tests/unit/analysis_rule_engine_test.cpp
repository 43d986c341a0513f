// RuleEngine: the walk (categories, children first, level order, noalert, level 0), every
// condition a rule can test, firedtimes, ignore="N", <ignore>/<check_if_ignored>, if_fts,
// check_diff, the mail/log flags and the description's $(field) expansion.
#include <gtest/gtest.h>

#include "analysis/rule_engine.h"
#include "unit/analysis_rule_test_support.h"

namespace herald::analysis {
namespace {

using testing::event_from;
using testing::rules_from;

constexpr std::int64_t kNoon = 1'700'049'600;  // 2023-11-15 12:00:00 UTC, a Wednesday

std::optional<int> fired(RuleEngine& engine, const Event& event, std::int64_t now = kNoon) {
  auto alert = engine.evaluate(event, now);
  return alert ? std::optional<int>(alert->rule_id) : std::nullopt;
}

TEST(AnalysisRuleEngine, ChildrenFirstHighestLevelFirst) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>sshd</match><description>sshd</description></rule>
    <rule id="101" level="5"><if_sid>100</if_sid><match>Failed</match><description>failed</description></rule>
    <rule id="102" level="8"><if_sid>100</if_sid><match>password</match><description>password</description></rule>
    <rule id="103" level="10"><if_sid>101</if_sid><match>root</match><description>root</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("sshd: hello")), 100);
  EXPECT_EQ(fired(engine, event_from("sshd: Failed login")), 101);
  // Both children hold: the one of the higher level is tried first.
  EXPECT_EQ(fired(engine, event_from("sshd: Failed password")), 102);
  EXPECT_EQ(fired(engine, event_from("sshd: Failed login for root")), 103);
  EXPECT_EQ(fired(engine, event_from("cron: nothing")), std::nullopt);
}

TEST(AnalysisRuleEngine, CategoriesPickTheTopLevelRules) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>x</match><description>syslog</description></rule>
    <rule id="200" level="3"><category>ids</category><match>x</match><description>ids</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("x")), 100);
  EventDecoderInfo ids;
  ids.category = RuleCategory::ids;
  EXPECT_EQ(engine.evaluate(event_from("x"), ids, kNoon)->rule_id, 200);
  EventDecoderInfo firewall;
  firewall.category = RuleCategory::firewall;  // no template of that category
  EXPECT_FALSE(engine.evaluate(event_from("x"), firewall, kNoon));
  EventDecoderInfo host_information;
  host_information.category = std::nullopt;
  EXPECT_FALSE(engine.evaluate(event_from("x"), host_information, kNoon));
}

TEST(AnalysisRuleEngine, NoalertAndLevelZero) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3" noalert="1"><match>a</match><description>quiet parent</description></rule>
    <rule id="101" level="5"><if_sid>100</if_sid><match>b</match><description>child</description></rule>
    <rule id="110" level="0"><match>ignored</match><description>level 0</description></rule>
    <rule id="111" level="5"><match>ignored</match><description>never reached</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("a")), std::nullopt);  // noalert and no child
  EXPECT_EQ(fired(engine, event_from("a b")), 101);
  // Level-0 rules sort first and stop the walk without an alert.
  EXPECT_EQ(fired(engine, event_from("ignored")), std::nullopt);
  EXPECT_EQ(engine.firedtimes(110), 1);
  EXPECT_EQ(engine.firedtimes(111), 0);
}

TEST(AnalysisRuleEngine, FiredtimesCountsPerHour) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>a</match><description>a</description></rule>
    <rule id="101" level="3"><match>b</match><options>no_counter</options><description>b</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(engine.evaluate(event_from("a"), kNoon)->firedtimes, 1);
  EXPECT_EQ(engine.evaluate(event_from("a"), kNoon + 10)->firedtimes, 2);
  EXPECT_EQ(engine.evaluate(event_from("a"), kNoon + 3600)->firedtimes, 1);  // a new hour
  EXPECT_EQ(engine.evaluate(event_from("b"), kNoon + 3600)->firedtimes, std::nullopt);
  EXPECT_EQ(engine.firedtimes(101), 1);
}

TEST(AnalysisRuleEngine, MatchAndRegexReadTheMessageNotTheHeader) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>^Accepted</match><description>a</description></rule>
    <rule id="101" level="3"><regex>port \d+ ssh2$</regex><description>b</description></rule>
    <rule id="102" level="3"><match negate="yes">anything</match><regex type="pcre2">^X\d{2}$</regex>
      <description>c</description></rule>
  </group>)");
  RuleEngine engine(set);
  Event event = event_from("Nov 15 12:00:00 web1 sshd[1]: Accepted key");
  event.set_log(event.full_log.find("Accepted"), std::string::npos);
  EXPECT_EQ(fired(engine, event), 100);
  EXPECT_EQ(fired(engine, event_from("from 10.0.0.1 port 22 ssh2")), 101);
  EXPECT_EQ(fired(engine, event_from("X42")), 102);
  EXPECT_EQ(fired(engine, event_from("X42 anything")), std::nullopt);
}

TEST(AnalysisRuleEngine, StaticFieldsAndDecoder) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><decoded_as>sshd</decoded_as><description>sshd</description></rule>
    <rule id="101" level="4"><if_sid>100</if_sid><srcip>10.0.0.0/8</srcip><dstport>22</dstport>
      <description>internal</description></rule>
    <rule id="102" level="5"><if_sid>100</if_sid><srcip negate="yes">10.0.0.0/8</srcip><description>external</description></rule>
    <rule id="103" level="6"><if_sid>100</if_sid><user>^root$</user><description>root</description></rule>
    <rule id="104" level="7"><if_sid>100</if_sid><id>^4625$</id><status>FAIL</status><protocol>tcp</protocol>
      <description>id status protocol</description></rule>
    <rule id="105" level="7"><if_sid>100</if_sid><action>drop</action><url>/admin</url><data>x</data>
      <extra_data>y</extra_data><system_name>srv</system_name><srcport>^1</srcport><description>more</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("x", "ftpd")), std::nullopt);
  Event event = event_from("x", "sshd");
  EXPECT_EQ(fired(engine, event), 100);
  event.set_static_field(StaticField::srcip, "10.1.2.3");
  EXPECT_EQ(fired(engine, event), 100);  // 101 needs the port as well
  event.set_static_field(StaticField::dstport, "22");
  EXPECT_EQ(fired(engine, event), 101);
  event.set_static_field(StaticField::srcip, "8.8.8.8");
  EXPECT_EQ(fired(engine, event), 102);

  // <user> reads the destination user, else the source user.
  Event users = event_from("x", "sshd");
  users.set_static_field(StaticField::srcuser, "root");
  EXPECT_EQ(fired(engine, users), 103);
  users.set_static_field(StaticField::dstuser, "bob");
  EXPECT_EQ(fired(engine, users), 100);

  Event fields = event_from("x", "sshd");
  fields.set_static_field(StaticField::id, "4625");
  fields.set_static_field(StaticField::status, "FAILURE");
  EXPECT_EQ(fired(engine, fields), 100);  // no protocol
  fields.set_static_field(StaticField::protocol, "TCP");
  EXPECT_EQ(fired(engine, fields), 104);

  Event more = event_from("x", "sshd");
  for (auto [field, value] : {std::pair{StaticField::action, "drop"},
                              {StaticField::url, "/admin/x"},
                              {StaticField::data, "x"},
                              {StaticField::extra_data, "y"},
                              {StaticField::system_name, "srv"},
                              {StaticField::srcport, "1234"}}) {
    more.set_static_field(field, value);
  }
  EXPECT_EQ(fired(engine, more), 105);
  more.set_static_field(StaticField::action, "Drop");  // <action> compares exactly
  EXPECT_EQ(fired(engine, more), 100);
}

TEST(AnalysisRuleEngine, PredecodedFieldsLocationDynamicFieldsAndSize) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><program_name>^sshd</program_name><description>a</description></rule>
    <rule id="101" level="3"><hostname>^db</hostname><description>b</description></rule>
    <rule id="102" level="3"><location>auth.log$</location><match>loc</match><description>c</description></rule>
    <rule id="103" level="3"><field name="audit.key">^passwd\w+</field><field name="audit.exe">bin</field>
      <description>d</description></rule>
    <rule id="104" level="3" maxsize="10"><match>big</match><description>e</description></rule>
  </group>)");
  RuleEngine engine(set);
  Event program = event_from("x");
  program.program_name.assign("sshd");
  EXPECT_EQ(fired(engine, program), 100);
  Event host = event_from("x");
  host.hostname.assign("db01");
  EXPECT_EQ(fired(engine, host), 101);
  EXPECT_EQ(fired(engine, event_from("loc")), 102);
  Event dynamic = event_from("x");
  dynamic.append_field("audit.key", "passwd_changes");
  EXPECT_EQ(fired(engine, dynamic), std::nullopt);       // both fields are needed
  dynamic.append_field("Audit.Exe", "/usr/bin/passwd");  // names compare ignoring case
  EXPECT_EQ(fired(engine, dynamic), 103);
  EXPECT_EQ(fired(engine, event_from("big")), std::nullopt);
  EXPECT_EQ(fired(engine, event_from("big enough")), 104);
}

TEST(AnalysisRuleEngine, TimeAndWeekdayUseTheInjectedClock) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>x</match><description>a</description></rule>
    <rule id="101" level="5"><if_sid>100</if_sid><time>6 pm - 8:30 am</time><description>night</description></rule>
    <rule id="102" level="4"><if_sid>100</if_sid><weekday>weekends</weekday><description>weekend</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("x"), kNoon), 100);
  EXPECT_EQ(fired(engine, event_from("x"), kNoon + 7 * 3600), 101);   // 19:00
  EXPECT_EQ(fired(engine, event_from("x"), kNoon + 3 * 86400), 102);  // Saturday noon
  RuleEngineOptions options;
  options.utc_offset_seconds = 8 * 3600;  // 20:00 local
  RuleEngine local(set, options);
  EXPECT_EQ(fired(local, event_from("x"), kNoon), 101);
}

TEST(AnalysisRuleEngine, ListsAndCompiledRules) {
  ListRegistry lists;
  auto list = CdbList::parse("10.0.0.1:\n192.168.:\nroot:admin\n", "lists/test");
  ASSERT_TRUE(list.ok());
  lists.add("etc/lists/test", std::make_shared<CdbList>(std::move(list).value()));
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>x</match><description>a</description></rule>
    <rule id="101" level="4"><if_sid>100</if_sid><list field="srcip" lookup="address_match_key">etc/lists/test</list>
      <description>listed address</description></rule>
    <rule id="102" level="5"><if_sid>100</if_sid><list field="user" lookup="match_key_value" check_value="^adm">etc/lists/test</list>
      <description>listed user</description></rule>
    <rule id="103" level="6"><if_sid>100</if_sid><list field="audit.key" lookup="not_match_key">etc/lists/test</list>
      <description>unlisted key</description></rule>
    <rule id="110" level="3"><match>web</match><compiled_rule>is_simple_http_request</compiled_rule>
      <description>simple</description></rule>
    <rule id="111" level="3"><match>users</match><compiled_rule>comp_srcuser_dstuser</compiled_rule>
      <description>same users</description></rule>
  </group>)",
                                 lists);
  RuleEngine engine(set);
  Event address = event_from("x");
  address.set_static_field(StaticField::srcip, "192.168.7.7");
  EXPECT_EQ(fired(engine, address), 101);
  Event user = event_from("x");
  user.set_static_field(StaticField::srcuser, "root");  // lists read the source user first
  user.set_static_field(StaticField::dstuser, "bob");
  EXPECT_EQ(fired(engine, user), 102);
  Event key = event_from("x");
  key.append_field("audit.key", "other");
  EXPECT_EQ(fired(engine, key), 103);

  Event simple = event_from("web");
  simple.set_static_field(StaticField::url, "/index.html");
  EXPECT_EQ(fired(engine, simple), 110);
  simple.set_static_field(StaticField::url, "/search?q=1");
  EXPECT_EQ(fired(engine, simple), std::nullopt);
  Event users = event_from("users");
  users.set_static_field(StaticField::srcuser, "a");
  users.set_static_field(StaticField::dstuser, "b");
  EXPECT_EQ(fired(engine, users), std::nullopt);
  users.set_static_field(StaticField::dstuser, "a");
  EXPECT_EQ(fired(engine, users), 111);
}

TEST(AnalysisRuleEngine, IgnoreSecondsDefersToTheParent) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>x</match><description>parent</description></rule>
    <rule id="101" level="7" ignore="60"><if_sid>100</if_sid><match>y</match><description>child</description></rule>
    <rule id="110" level="7" ignore="60"><match>top</match><description>top</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_EQ(fired(engine, event_from("x y"), kNoon), 101);
  EXPECT_EQ(fired(engine, event_from("x y"), kNoon + 59), 100);  // within 60 s: the parent
  EXPECT_EQ(fired(engine, event_from("x y"), kNoon + 60), 101);
  EXPECT_EQ(fired(engine, event_from("x y"), kNoon + 61), 100);
  // A rule at the top of a category has its template as parent: within the window Wazuh reports
  // the template (level 0, so not written to alerts.json).
  EXPECT_EQ(fired(engine, event_from("top"), kNoon), 110);
  auto deferred = engine.evaluate(event_from("top"), kNoon + 1);
  ASSERT_TRUE(deferred);
  EXPECT_EQ(deferred->rule_id, 1);
  EXPECT_FALSE(deferred->log);
}

TEST(AnalysisRuleEngine, IgnoreAndCheckIfIgnored) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>alert</match><check_if_ignored>srcip, id</check_if_ignored>
      <description>checked</description></rule>
    <rule id="101" level="3"><match>quiet</match><ignore>srcip, id</ignore><description>records</description></rule>
  </group>)");
  RuleEngine engine(set);
  Event alert = event_from("alert");
  alert.set_static_field(StaticField::srcip, "10.0.0.1");
  alert.set_static_field(StaticField::id, "42");
  EXPECT_EQ(fired(engine, alert), 100);
  Event quiet = event_from("quiet");
  quiet.set_static_field(StaticField::srcip, "10.0.0.1");
  quiet.set_static_field(StaticField::id, "42");
  EXPECT_EQ(fired(engine, quiet), 101);  // records srcip and id
  EXPECT_EQ(fired(engine, alert), std::nullopt);
  alert.set_static_field(StaticField::id, "43");
  EXPECT_EQ(fired(engine, alert), 100);
}

TEST(AnalysisRuleEngine, FirstTimeSeen) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3"><match>login</match><description>login</description></rule>
    <rule id="101" level="8"><if_sid>100</if_sid><if_fts /><description>first login of $(dstuser)</description></rule>
  </group>)");
  RuleEngine engine(set);
  FtsKeyFields fts;
  fts.any = true;
  fts.dstuser = true;
  fts.location = true;
  EventDecoderInfo decoder;
  decoder.fts = &fts;
  Event event = event_from("login", "sshd");
  event.set_static_field(StaticField::dstuser, "alice");
  EXPECT_EQ(fts_key(event, fts), "sshd  alice      (web1) 10.0.0.5->/var/log/auth.log");
  auto first = engine.evaluate(event, decoder, kNoon);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->rule_id, 101);
  EXPECT_EQ(first->description, "first login of alice");
  EXPECT_EQ(engine.evaluate(event, decoder, kNoon)->rule_id, 100);
  event.set_static_field(StaticField::dstuser, "bob");
  EXPECT_EQ(engine.evaluate(event, decoder, kNoon)->rule_id, 101);
  // A decoder without <fts>: if_fts never holds.
  EXPECT_EQ(engine.evaluate(event_from("login", "sshd"), kNoon)->rule_id, 100);
}

TEST(AnalysisRuleEngine, FirstTimeSeenIsBounded) {
  FirstTimeSeen seen(2);
  EXPECT_TRUE(seen.first_time("a", false));
  EXPECT_TRUE(seen.first_time("b", false));
  EXPECT_FALSE(seen.first_time("a", false));
  EXPECT_TRUE(seen.first_time("c", false));  // forgets "a"
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen.first_time("a", false));
  // IDS keys: after three similar keys, only the common prefix is remembered.
  FirstTimeSeen ids(100);
  EXPECT_TRUE(ids.first_time("snort 1:2000:1 10.0.0.1", true));
  EXPECT_TRUE(ids.first_time("snort 1:2000:1 10.0.0.2", true));
  EXPECT_TRUE(ids.first_time("snort 1:2000:1 10.0.0.3", true));
  EXPECT_TRUE(ids.first_time("snort 1:2000:1 10.0.0.4", true));  // stored as "snort 1:2000:1"
  EXPECT_FALSE(ids.first_time("snort 1:2000:1", true));
}

TEST(AnalysisRuleEngine, CheckDiffAlertsOnChangedOutput) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="3" noalert="1"><match>ports:</match><description>ports</description></rule>
    <rule id="101" level="7"><if_sid>100</if_sid><check_diff /><description>listened ports changed</description></rule>
  </group>)");
  RuleEngine engine(set);
  EXPECT_FALSE(engine.evaluate(event_from("ports: 22"), kNoon));  // the first output is remembered
  EXPECT_FALSE(engine.evaluate(event_from("ports: 22"), kNoon));  // unchanged
  auto changed = engine.evaluate(event_from("ports: 22 80"), kNoon);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->rule_id, 101);
  EXPECT_EQ(changed->previous_output, (std::vector<std::string>{"Previous output:", "ports: 22"}));
  EXPECT_EQ(changed->previous_log, "ports: 22");
  // Per host: another agent's output starts its own history.
  Event other = event_from("ports: 22 80 443");
  other.hostname.assign("db1");
  EXPECT_FALSE(engine.evaluate(other, kNoon));
}

TEST(AnalysisRuleEngine, MailAndLogFlags) {
  const RuleSet set = rules_from(R"(<group name="test,">
    <rule id="100" level="2"><match>low</match><description>a</description></rule>
    <rule id="101" level="12"><match>high</match><description>b</description></rule>
    <rule id="102" level="12"><match>quiet</match><options>no_email_alert</options><options>no_log</options>
      <description>c</description></rule>
    <rule id="103" level="3"><match>loud</match><options>alert_by_email</options><options>no_full_log</options>
      <description>d</description></rule>
  </group>)");
  RuleEngine engine(set);
  auto low = engine.evaluate(event_from("low"), kNoon);
  EXPECT_FALSE(low->log);  // below log_alert_level 3: returned, not written
  EXPECT_FALSE(low->mail);
  auto high = engine.evaluate(event_from("high"), kNoon);
  EXPECT_TRUE(high->log);
  EXPECT_TRUE(high->mail);  // email_alert_level 12
  auto quiet = engine.evaluate(event_from("quiet"), kNoon);
  EXPECT_FALSE(quiet->log);
  EXPECT_FALSE(quiet->mail);
  auto loud = engine.evaluate(event_from("loud"), kNoon);
  EXPECT_TRUE(loud->mail);
  EXPECT_TRUE(loud->no_full_log);
}

TEST(AnalysisRuleEngine, DescriptionExpansion) {
  Event event = event_from("x");
  event.set_static_field(StaticField::srcip, "10.0.0.1");
  event.set_static_field(StaticField::dstuser, "root");
  event.program_name.assign("sshd");
  event.append_field("win.eventdata.targetUserName", "alice");
  EXPECT_EQ(expand_description("User $(dstuser) from $(srcip) via $(program_name)", event),
            "User root from 10.0.0.1 via sshd");
  EXPECT_EQ(expand_description("Logon of $(win.eventdata.targetUsername).", event), "Logon of alice.");
  EXPECT_EQ(expand_description("Missing '$(url)' and $(nope)", event), "Missing '' and ");
  EXPECT_EQ(expand_description("Open $(srcip", event), "Open $(srcip");
  EXPECT_EQ(expand_description("$(user)", event), "");  // "user" is not one of Wazuh's names
  const std::string long_text(1030, 'a');
  EXPECT_EQ(expand_description(long_text + "$(srcip)", event), long_text + "$(srcip)");
  event.append_field("big", std::string(1100, 'b'));
  EXPECT_EQ(expand_description("x $(big)", event), "x $(big)");  // too long expanded: unexpanded
}

TEST(AnalysisRuleEngine, AlertCarriesTheRuleAndTheEvent) {
  const RuleSet set = rules_from(R"(<group name="syslog,sshd,">
    <rule id="100" level="5"><match>Failed</match><description>sshd: failure for $(dstuser)</description>
      <mitre><id>T1110</id></mitre><group>authentication_failed,pci_dss_10.2.4,</group>
      <info type="link">https://example.org</info></rule>
  </group>)");
  RuleEngine engine(set);
  Event event = event_from("Failed password");
  event.set_static_field(StaticField::dstuser, "root");
  auto alert = engine.evaluate(event, kNoon);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->rule_id, 100);
  EXPECT_EQ(alert->level, 5);
  EXPECT_EQ(alert->description, "sshd: failure for root");
  EXPECT_EQ(alert->groups, (std::vector<std::string>{"syslog", "sshd", "authentication_failed", "pci_dss_10.2.4"}));
  EXPECT_EQ(alert->mitre_ids, (std::vector<std::string>{"T1110"}));
  EXPECT_EQ(alert->info, "https://example.org");
  EXPECT_EQ(alert->time, kNoon);
  EXPECT_EQ(alert->event.full_log, "Failed password");
  EXPECT_EQ(alert->frequency, std::nullopt);
  EXPECT_TRUE(alert->previous_output.empty());
}

}  // namespace
}  // namespace herald::analysis
