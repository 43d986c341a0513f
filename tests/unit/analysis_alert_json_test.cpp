// alerts.json lines: Wazuh's key order and omissions, the timestamp, agent/location/predecoder
// derived from the event, decoder, data with nested dynamic fields and JSON arrays, compliance
// groups (rule groups, SCA, rootcheck), previous_output/previous_log, agentless devices.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "analysis/alert_json.h"
#include "analysis/rule_engine.h"
#include "unit/analysis_rule_test_support.h"

namespace herald::analysis {
namespace {

using testing::event_from;
using testing::rules_from;

constexpr std::int64_t kNoon = 1'700'049'600;  // 2023-11-15 12:00:00 UTC

Alert alert_for(std::string_view rules, const Event& event, std::int64_t now = kNoon) {
  const RuleSet set = rules_from(rules);
  RuleEngine engine(set);
  auto alert = engine.evaluate(event, now);
  EXPECT_TRUE(alert);
  return alert ? std::move(*alert) : Alert();
}

AlertJsonOptions manager() {
  AlertJsonOptions options;
  options.manager_name = "manager";
  return options;
}

boost::json::object parsed(const Alert& alert, const AlertJsonOptions& options = manager()) {
  return boost::json::parse(alert_to_json(alert, options, 1234)).as_object();
}

Event sshd_failure() {
  Event event = event_from("Nov 15 12:00:00 web1 sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2", "sshd");
  event.set_log(event.full_log.find("Failed"), std::string::npos);
  event.timestamp.assign("Nov 15 12:00:00");
  event.program_name.assign("sshd");
  event.parent_decoder_name = "sshd";
  event.set_static_field(StaticField::srcip, "1.2.3.4");
  event.set_static_field(StaticField::srcport, "22");
  event.set_static_field(StaticField::dstuser, "root");
  return event;
}

constexpr std::string_view kSshdRule = R"(<group name="syslog,sshd,">
  <rule id="5716" level="5"><match>^Failed</match><description>sshd: authentication failed.</description>
    <mitre><id>T1110</id></mitre>
    <group>authentication_failed,gdpr_IV_35.7.d,pci_dss_10.2.4,pci_dss_10.2.5,tsc_CC6.1,</group></rule>
</group>)";

TEST(AnalysisAlertJson, AWazuhShapedLine) {
  const Alert alert = alert_for(kSshdRule, sshd_failure());
  EXPECT_EQ(alert_to_json(alert, manager(), 1234),
            R"({"timestamp":"2023-11-15T12:00:00.000+0000",)"
            R"("rule":{"level":5,"description":"sshd: authentication failed.","id":"5716","mitre":{"id":["T1110"]},)"
            R"("firedtimes":1,"mail":false,"groups":["syslog","sshd","authentication_failed"],)"
            R"("gdpr":["IV_35.7.d"],"pci_dss":["10.2.4","10.2.5"],"tsc":["CC6.1"]},)"
            R"("agent":{"id":"001","name":"web1","ip":"10.0.0.5"},"manager":{"name":"manager"},)"
            R"("id":"1700049600.1234",)"
            R"("full_log":"Nov 15 12:00:00 web1 sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2",)"
            R"("predecoder":{"program_name":"sshd","timestamp":"Nov 15 12:00:00","hostname":"web1"},)"
            R"("decoder":{"parent":"sshd","name":"sshd"},)"
            R"("data":{"srcip":"1.2.3.4","srcport":"22","dstuser":"root"},"location":"/var/log/auth.log"})");
}

TEST(AnalysisAlertJson, Timestamp) {
  EXPECT_EQ(alert_timestamp(0, 0, 0), "1970-01-01T00:00:00.000+0000");
  EXPECT_EQ(alert_timestamp(kNoon, 7, 3600), "2023-11-15T13:00:00.007+0100");
  EXPECT_EQ(alert_timestamp(kNoon, 250, -(5 * 3600 + 1800)), "2023-11-15T06:30:00.250-0530");
  EXPECT_EQ(alert_timestamp(951782400, 0, 0), "2000-02-29T00:00:00.000+0000");
}

TEST(AnalysisAlertJson, OmissionsAndOptions) {
  const Alert alert = alert_for(R"(<group name="x,">
    <rule id="100" level="3"><match>x</match><options>no_full_log</options><options>no_counter</options>
      <options>alert_by_email</options><cve>CVE-1</cve><description>d</description></rule>
  </group>)",
                                event_from("x"));
  const auto json = parsed(alert);
  EXPECT_FALSE(json.contains("full_log"));
  const auto& rule = json.at("rule").as_object();
  EXPECT_FALSE(rule.contains("firedtimes"));
  EXPECT_FALSE(rule.contains("frequency"));
  EXPECT_FALSE(rule.contains("mitre"));
  EXPECT_FALSE(rule.contains("info"));
  EXPECT_EQ(rule.at("cve"), "CVE-1");
  EXPECT_EQ(rule.at("mail"), true);
  EXPECT_FALSE(json.contains("data"));  // no field at all
  EXPECT_FALSE(json.contains("cluster"));
  EXPECT_FALSE(json.contains("previous_output"));
  EXPECT_EQ(json.at("decoder"), boost::json::object({{"name", "test"}}));
  EXPECT_FALSE(json.contains("predecoder"));
}

TEST(AnalysisAlertJson, DynamicFieldsNestAndFirstWins) {
  Event event = event_from("x", "json");
  event.append_field("win.system.eventID", "4625");
  event.append_field("win.system.channel", "Security");
  event.append_field("win.eventdata.targetUserName", "bob");
  event.append_field("Win.System.eventID", "dropped: same key ignoring case");
  event.append_field("tags", R"(["a","b"])");
  event.append_field("broken", "[not json]");
  event.append_field("spaced", R"(["a"] )");
  event.append_field("empty", "");
  event.append_field("win", "dropped: already an object");
  event.set_static_field(StaticField::action, "blocked");
  const Alert alert = alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                event);
  const auto json = parsed(alert);
  EXPECT_EQ(boost::json::serialize(json.at("data")),
            R"({"action":"blocked","win":{"system":{"eventID":"4625","channel":"Security"},)"
            R"("eventdata":{"targetUserName":"bob"}},"tags":["a","b"],"broken":"[not json]","spaced":"[\"a\"] "})");
}

TEST(AnalysisAlertJson, SyscheckEventsKeepTheirFieldsOutOfData) {
  Event event = event_from("x", "syscheck_integrity_changed");
  event.append_field("file", "/etc/passwd");
  const Alert alert = alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                event);
  EXPECT_FALSE(parsed(alert).contains("data"));
}

TEST(AnalysisAlertJson, ManagerEventsAndAgentless) {
  Event local = event_from("x");
  local.agent_id = "000";
  local.location = "/var/log/syslog";
  local.hostname.assign("manager");
  const Alert alert = alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                local);
  const auto json = parsed(alert);
  EXPECT_EQ(json.at("agent"), boost::json::object({{"id", "000"}, {"name", "manager"}}));
  EXPECT_EQ(json.at("location"), "/var/log/syslog");

  Event agentless = local;
  agentless.location = "(ssh_integrity_check_linux) admin@10.1.1.1->/usr/bin";
  const auto device = parsed(alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                       agentless));
  EXPECT_FALSE(device.contains("agent"));
  EXPECT_EQ(device.at("agentless"),
            boost::json::object({{"script", "ssh_integrity_check_linux"}, {"user", "admin"}, {"host", "10.1.1.1"}}));
  EXPECT_EQ(device.at("location"), "/usr/bin");
}

TEST(AnalysisAlertJson, AgentAddressFromTheLocation) {
  Event event = event_from("x");
  event.location = "(web1) any->/var/log/auth.log";
  const auto json = parsed(alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                     event));
  EXPECT_EQ(json.at("agent"), boost::json::object({{"id", "001"}, {"name", "web1"}}));  // "any" is left out
}

TEST(AnalysisAlertJson, CorrelatedAlertsShowPreviousOutput) {
  const RuleSet set = rules_from(R"(<group name="x,">
    <rule id="100" level="5"><match>fail</match><description>failure</description></rule>
    <rule id="110" level="10" frequency="3" timeframe="60"><if_matched_sid>100</if_matched_sid>
      <description>failures</description></rule>
  </group>)");
  RuleEngine engine(set);
  engine.evaluate(event_from("fail 1"), kNoon);
  engine.evaluate(event_from("fail 2"), kNoon + 1);
  auto alert = engine.evaluate(event_from("fail 3"), kNoon + 2);
  ASSERT_TRUE(alert);
  const auto json = parsed(*alert);
  EXPECT_EQ(json.at("previous_output"), "fail 2\nfail 1");
  EXPECT_EQ(json.at("rule").at("frequency"), 3);
  // One previous log only: Wazuh writes no previous_output.
  Alert single = *alert;
  single.previous_output = {"fail 2"};
  EXPECT_FALSE(parsed(single).contains("previous_output"));
}

TEST(AnalysisAlertJson, CheckDiffShowsThePreviousLog) {
  const RuleSet set = rules_from(R"(<group name="x,">
    <rule id="100" level="7"><match>ports</match><check_diff /><description>changed</description></rule>
  </group>)");
  RuleEngine engine(set);
  engine.evaluate(event_from("ports 22"), kNoon);
  auto alert = engine.evaluate(event_from("ports 22 80"), kNoon);
  ASSERT_TRUE(alert);
  const auto json = parsed(*alert);
  EXPECT_EQ(json.at("previous_output"), "Previous output:\nports 22");
  EXPECT_EQ(json.at("previous_log"), "ports 22");
}

TEST(AnalysisAlertJson, ScaAndRootcheckCompliance) {
  Event sca = event_from("x", "sca");
  sca.append_field("sca.check.compliance.cis", "1.1.1, 1.1.2");
  sca.append_field("sca.check.compliance.pci_dss", "2.2");
  const auto json = parsed(alert_for(R"(<group name="sca,"><rule id="100" level="3"><match>x</match>
    <description>d</description><group>pci_dss_1.1,</group></rule></group>)",
                                     sca));
  const auto& rule = json.at("rule").as_object();
  EXPECT_EQ(rule.at("pci_dss"), boost::json::array({"1.1", "2.2"}));
  EXPECT_EQ(rule.at("cis"), boost::json::array({"1.1.1", "1.1.2"}));

  Event rootcheck =
      event_from("System Audit: SSH Hardening - 1: Port 22 {PCI_DSS: 2.2.4, 2.2.5} {CIS: 5.2.1}", "rootcheck");
  const auto audit = parsed(alert_for(R"(<group name="ossec,rootcheck,"><rule id="100" level="3"><match>Audit</match>
    <description>d</description></rule></group>)",
                                      rootcheck));
  EXPECT_EQ(audit.at("rule").at("pci_dss"), boost::json::array({"2.2.4", "2.2.5"}));
  EXPECT_EQ(audit.at("rule").at("cis"), boost::json::array({"5.2.1"}));
}

TEST(AnalysisAlertJson, ClusterAndMitreTechniques) {
  const Alert alert = alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <mitre><tacticID>TA0006</tacticID><techniqueID>T1110</techniqueID></mitre>
    <mitre><tacticID>TA0008</tacticID><techniqueID>T1110</techniqueID></mitre>
    <description>d</description></rule></group>)",
                                event_from("x"));
  AlertJsonOptions options = manager();
  options.cluster_name = "wazuh";
  options.cluster_node = "node01";
  const auto json = parsed(alert, options);
  EXPECT_EQ(json.at("cluster"), boost::json::object({{"name", "wazuh"}, {"node", "node01"}}));
  EXPECT_EQ(json.at("rule").at("mitre"), boost::json::object({{"id", boost::json::array({"T1110"})}}));
}

TEST(AnalysisAlertJson, ControlCharactersAreEscaped) {
  const Alert alert = alert_for(R"(<group name="x,"><rule id="100" level="3"><match>x</match>
    <description>d</description></rule></group>)",
                                event_from("x\t\"quoted\"\n\x01"));
  EXPECT_EQ(parsed(alert).at("full_log"), "x\t\"quoted\"\n\x01");
}

// Every compliance family after plain groups: each new key grows the rule object, which must not
// leave the plain groups' array behind (it did: a crash on Wazuh's own rules, found by
// herald-bench analysis).
TEST(AnalysisAlertJson, PlainGroupsSurviveEveryComplianceFamily) {
  const auto json = parsed(alert_for(R"(<group name="syslog,sshd,"><rule id="5716" level="5"><match>^Failed</match>
    <description>d</description>
    <group>a,pci_dss_1,b,cis_2,gdpr_3,gpg13_4,c,hipaa_5,nist_800_53_6,tsc_7,d,</group></rule></group>)",
                                     sshd_failure()));
  const auto& rule = json.at("rule").as_object();
  EXPECT_EQ(rule.at("groups"), boost::json::array({"syslog", "sshd", "a", "b", "c", "d"}));
  for (const auto& [key, value] : {std::pair{"pci_dss", "1"}, {"cis", "2"}, {"gdpr", "3"}, {"gpg13", "4"},
                                   {"hipaa", "5"}, {"nist_800_53", "6"}, {"tsc", "7"}}) {
    EXPECT_EQ(rule.at(key), boost::json::array({value})) << key;
  }
}

}  // namespace
}  // namespace herald::analysis
