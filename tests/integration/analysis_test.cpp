// The analysis engine in heraldd (issue 16): events that real agents send over the Comms API and
// the 4.x secure channel are decoded and matched against the default ruleset; alerts go to
// alerts/alerts.json and to NATS; a frequency rule fires on the 8th event and not before; a
// ruleset that does not load stops the start with its file and line.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/legacy_agent.h"
#include "support/nats_server.h"
#include "support/nats_watcher.h"
#include "support/temp_dir.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

std::string failed_password(int port) {
  return "Dec  7 10:00:00 web1 sshd[4100]: Failed password for root from 203.0.113.50 port " + std::to_string(port) +
         " ssh2";
}

class Analysis : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
    nats_.start();
    watcher_ = std::make_unique<NatsWatcher>(nats_.url(), "wazuh.alerts.>");
    server_.set_config_yaml("node: {name: node-a}\nnats: {enabled: yes, url: \"" + nats_.url() + "\"}\n" +
                            extra_yaml());
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }
  // Herald's own events (an agent enrolled, connected ...) raise alerts too; the suites that count
  // an agent's alerts leave them out.
  virtual std::string extra_yaml() { return "analysis: {herald_events: false}\n"; }

  std::unique_ptr<TestAgent> new_agent(const std::string& name) {
    return enrolled_agent(*admin_, server_.comms_url(), name);
  }

  // The alerts in alerts.json, parsed.
  std::vector<json::object> alerts() const {
    std::vector<json::object> out;
    std::ifstream in(server_.data_dir() / "alerts" / "alerts.json");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(json::parse(line).as_object());
    }
    return out;
  }
  std::vector<json::object> alerts_of_rule(const std::string& rule_id) const {
    std::vector<json::object> out;
    for (auto& alert : alerts()) {
      if (alert.at("rule").at("id").as_string() == rule_id) out.push_back(std::move(alert));
    }
    return out;
  }
  double analysed() const { return metric_value(server_.management_url(), "herald_analysis_events_total"); }

  NatsServer nats_;
  std::unique_ptr<NatsWatcher> watcher_;
  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(Analysis, AnHttpAgentsFailedLoginBecomesAWazuhAlertInTheFileAndOnNats) {
  auto agent = new_agent("web1");
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, {failed_password(40000)})).status, 204u);

  auto published = watcher_->wait_for("wazuh.alerts.5.200201");
  ASSERT_TRUE(published) << "no alert on NATS";
  ASSERT_TRUE(eventually([&] { return alerts_of_rule("200201").size() == 1; }));
  const auto alert = alerts_of_rule("200201")[0];
  EXPECT_EQ(json::parse(published->payload).as_object(), alert);
  EXPECT_EQ(alert.at("rule").at("level").as_int64(), 5);
  EXPECT_EQ(alert.at("agent").at("id").as_string(), agent->id());
  EXPECT_EQ(alert.at("agent").at("name").as_string(), "web1");
  EXPECT_EQ(alert.at("manager").at("name").as_string(), "node-a");
  EXPECT_EQ(alert.at("decoder").at("name").as_string(), "herald-sshd");
  EXPECT_EQ(alert.at("data").at("srcip").as_string(), "203.0.113.50");
  EXPECT_EQ(alert.at("data").at("dstuser").as_string(), "root");
  EXPECT_EQ(alert.at("full_log").as_string(), failed_password(40000));
  EXPECT_EQ(alert.at("predecoder").at("program_name").as_string(), "sshd");
  EXPECT_NE(std::string(alert.at("location").as_string()).find("/var/log/auth.log"), std::string::npos);
  EXPECT_TRUE(alert.contains("timestamp") && alert.contains("id"));

  // A line no rule cares about raises nothing.
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, {"Dec  7 10:00:01 web1 cron[1]: nothing to see"})).status,
            204u);
  ASSERT_TRUE(eventually([&] { return analysed() == 2.0; }));
  EXPECT_EQ(alerts().size(), 1u);
}

TEST_F(Analysis, EightFailuresFromOneSourceFireTheBruteForceRuleOnTheEighth) {
  auto agent = new_agent("web2");
  std::vector<std::string> seven;
  for (int i = 0; i < 7; ++i) seven.push_back(failed_password(41000 + i));
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, seven)).status, 204u);
  ASSERT_TRUE(eventually([&] { return analysed() == 7.0; }));
  EXPECT_EQ(alerts_of_rule("200201").size(), 7u);
  EXPECT_TRUE(alerts_of_rule("200220").empty()) << "fired before the 8th failure";

  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, {failed_password(41007)})).status, 204u);
  ASSERT_TRUE(eventually([&] { return alerts_of_rule("200220").size() == 1; }));
  const auto brute_force = alerts_of_rule("200220")[0];
  EXPECT_EQ(brute_force.at("rule").at("level").as_int64(), 10);
  EXPECT_EQ(brute_force.at("data").at("srcip").as_string(), "203.0.113.50");
  EXPECT_TRUE(watcher_->wait_for("wazuh.alerts.10.200220"));
}

TEST_F(Analysis, A4xAgentsEventsAreAnalysedToo) {
  auto agent = std::make_unique<LegacyAgent>(legacy_enroll(server_.enrollment_address(), "legacy1"));
  agent->connect(server_.remote_address());
  ASSERT_TRUE(agent->start_up());
  ASSERT_TRUE(agent->send("1:/var/log/auth.log:" + failed_password(42000)));
  ASSERT_TRUE(eventually([&] {
    for (const auto& alert : alerts_of_rule("200201")) {
      if (alert.at("agent").at("name").as_string() == "legacy1") return true;
    }
    return false;
  }));
  const auto alert = alerts_of_rule("200201").back();
  EXPECT_EQ(alert.at("agent").at("id").as_string(), "001");
  EXPECT_EQ(alert.at("location").as_string(), "/var/log/auth.log");
}

// What a 4.x Windows agent's logcollector sends for a failed logon (event 4625): the rendered XML
// and the formatted message, on the event channel queue 'f'.
std::string logon_failure_eventchannel(const std::string& user, const std::string& ip) {
  const std::string xml =
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
      "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
      "<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
      "<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2026-12-07T10:00:00.1234567Z'/>"
      "<EventRecordID>7017</EventRecordID><Correlation/><Execution ProcessID='640' ThreadID='2084'/>"
      "<Channel>Security</Channel><Computer>WS01.corp.example.com</Computer><Security/></System><EventData>"
      "<Data Name='SubjectUserSid'>S-1-0-0</Data><Data Name='SubjectUserName'>-</Data>"
      "<Data Name='TargetUserName'>" +
      user +
      "</Data><Data Name='TargetDomainName'>CORP</Data>"
      "<Data Name='Status'>0xc000006d</Data><Data Name='LogonType'>3</Data>"
      "<Data Name='LogonProcessName'>NtLmSsp </Data><Data Name='WorkstationName'>KALI</Data>"
      "<Data Name='ProcessName'>C:\\Windows\\System32\\lsass.exe</Data>"
      "<Data Name='IpAddress'>" +
      ip + "</Data><Data Name='IpPort'>51234</Data></EventData></Event>";
  return json::serialize(json::object{
      {"Message", "An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0"}, {"Event", xml}});
}

TEST_F(Analysis, A4xWindowsAgentsEventChannelEventRaisesHeraldsWindowsAlert) {
  auto agent = std::make_unique<LegacyAgent>(legacy_enroll(server_.enrollment_address(), "win1"));
  agent->connect(server_.remote_address());
  ASSERT_TRUE(agent->start_up());
  ASSERT_TRUE(agent->send("f:EventChannel:" + logon_failure_eventchannel("alice", "203.0.113.77")));
  ASSERT_TRUE(eventually([&] { return alerts_of_rule("200413").size() == 1; }));
  const auto alert = alerts_of_rule("200413")[0];
  EXPECT_EQ(alert.at("rule").at("level").as_int64(), 5);
  EXPECT_EQ(alert.at("agent").at("name").as_string(), "win1");
  EXPECT_EQ(alert.at("decoder").at("name").as_string(), "windows_eventchannel");
  EXPECT_EQ(alert.at("location").as_string(), "EventChannel");
  const auto& win = alert.at("data").at("win");
  EXPECT_EQ(win.at("system").at("eventID").as_string(), "4625");
  EXPECT_EQ(win.at("system").at("severityValue").as_string(), "AUDIT_FAILURE");
  EXPECT_EQ(win.at("system").at("message").as_string(),
            "\"An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\t\tS-1-0-0\"");
  EXPECT_EQ(win.at("eventdata").at("targetUserName").as_string(), "alice");
  EXPECT_EQ(win.at("eventdata").at("ipAddress").as_string(), "203.0.113.77");
  EXPECT_EQ(win.at("eventdata").at("logonProcessName").as_string(), "NtLmSsp");
  EXPECT_EQ(win.at("eventdata").at("processName").as_string(), "C:\\\\Windows\\\\System32\\\\lsass.exe");
  EXPECT_FALSE(win.at("eventdata").as_object().contains("subjectUserName"));  // "-" is dropped
  // full_log is the win JSON the event was turned into, as in Wazuh's alerts.
  EXPECT_EQ(json::parse(alert.at("full_log").as_string()).at("win"), win);

  // An event channel message that is not JSON is dropped and counted, as analysisd drops it.
  ASSERT_TRUE(agent->send("f:EventChannel:<Event><System><EventID>4625</EventID></System></Event>"));
  ASSERT_TRUE(eventually(
      [&] { return metric_value(server_.management_url(), "herald_analysis_eventchannel_dropped_total") == 1.0; }));
  EXPECT_EQ(alerts_of_rule("200413").size(), 1u);
}

// Local rules load after Herald's, so they can hang under its rules with <if_sid>.
class AnalysisLocalRules : public Analysis {
 protected:
  std::string extra_yaml() override {
    std::ofstream(rules_.path() / "local_rules.xml")
        << "<group name=\"local,\">\n  <rule id=\"100100\" level=\"12\">\n    <if_sid>200201</if_sid>\n"
           "    <srcip>203.0.113.99</srcip>\n    <description>A failed login from our watch list</description>\n"
           "  </rule>\n</group>\n";
    return "analysis: {herald_events: false, ruleset_dirs: [\"" + rules_.path().string() + "\"]}\n";
  }
  TempDir rules_;
};

TEST_F(AnalysisLocalRules, ALocalRuleRefinesABuiltInOne) {
  auto agent = new_agent("web3");
  const std::string watched = "Dec  7 10:00:00 web3 sshd[1]: Failed password for root from 203.0.113.99 port 1 ssh2";
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, {watched, failed_password(43000)})).status, 204u);
  ASSERT_TRUE(eventually([&] { return analysed() == 2.0; }));
  ASSERT_EQ(alerts_of_rule("100100").size(), 1u);
  EXPECT_EQ(alerts_of_rule("100100")[0].at("rule").at("level").as_int64(), 12);
  EXPECT_EQ(alerts_of_rule("200201").size(), 1u);  // the other source stays at the built-in rule
}

// Herald's own happenings are analysed as events of the manager (agent 000, location "herald").
class AnalysisHeraldEvents : public Analysis {
 protected:
  std::string extra_yaml() override { return ""; }

  // The alerts of `rule_id` whose herald.<key...> is `value`.
  std::vector<json::object> herald_alerts(const std::string& rule_id, std::initializer_list<const char*> path,
                                          const std::string& value) const {
    std::vector<json::object> out;
    for (auto& alert : alerts_of_rule(rule_id)) {
      const json::value* at = &alert.at("data").at("herald");
      for (const char* key : path) {
        const auto* object = at->if_object();
        at = object ? object->if_contains(key) : nullptr;
        if (at == nullptr) break;
      }
      if (at != nullptr && at->is_string() && at->as_string() == value) out.push_back(std::move(alert));
    }
    return out;
  }
};

TEST_F(AnalysisHeraldEvents, AFailedApiLoginRaisesAnAlertOfTheManager) {
  HttpClient client(server_.management_url());
  auto reply = client.request("POST", "/security/user/authenticate", "",
                              {{"Authorization", basic_authorization("admin", "not-the-password-x7")}});
  ASSERT_EQ(reply.status, 401u);
  ASSERT_TRUE(eventually([&] { return herald_alerts("200507", {"user"}, "admin").size() == 1; }));
  const auto alert = herald_alerts("200507", {"user"}, "admin")[0];
  EXPECT_EQ(alert.at("rule").at("level").as_int64(), 5);
  EXPECT_EQ(alert.at("agent").at("id").as_string(), "000");
  EXPECT_EQ(alert.at("location").as_string(), "herald");
  EXPECT_EQ(alert.at("data").at("herald").at("source").at("ip").as_string(), "127.0.0.1");
  EXPECT_EQ(alert.at("decoder").at("name").as_string(), "herald-events");
}

TEST_F(AnalysisHeraldEvents, AnAgentEnrolledConnectedAndItsFailedOrderRaiseAlerts) {
  auto agent = new_agent("web9");
  ASSERT_TRUE(eventually([&] { return herald_alerts("200503", {"agent", "id"}, agent->id()).size() == 1; }));
  EXPECT_EQ(herald_alerts("200503", {"agent", "id"}, agent->id())[0].at("data").at("herald").at("agent").at("name"),
            "web9");

  // Its first authenticated requests make it active.
  ASSERT_EQ(agent->send_stateless(logcollector_body(*agent, {"Dec  7 10:00:01 web9 cron[1]: nothing"})).status, 204u);
  ASSERT_TRUE(eventually([&] { return herald_alerts("200501", {"agent", "id"}, agent->id()).size() == 1; }));
  EXPECT_EQ(herald_alerts("200501", {"agent", "id"}, agent->id())[0].at("data").at("herald").at("agent").at("name"),
            "web9");

  ASSERT_EQ(admin_->post("/_plugins/_command_manager/commands", command_body("agent", agent->id())).status, 200u);
  auto poll = agent->poll();
  ASSERT_EQ(poll.status, 200u) << poll.body;
  const auto document_id =
      std::string(json::parse(poll.body).at("commands").as_array().at(0).at("document_id").as_string());
  ASSERT_EQ(agent->report_result(document_id, 1, "the service would not stop").status / 100, 2u);
  ASSERT_TRUE(eventually([&] { return herald_alerts("200505", {"order", "id"}, document_id).size() == 1; }));
  const auto failed = herald_alerts("200505", {"order", "id"}, document_id)[0].at("data").at("herald");
  EXPECT_EQ(failed.at("order").at("action"), "restart");
  EXPECT_EQ(failed.at("order").at("message"), "the service would not stop");
  EXPECT_EQ(failed.at("agent").at("name"), "web9");
}

TEST_F(AnalysisHeraldEvents, A4xAgentThatHangsUpAndARefusedEnrolmentRaiseAlerts) {
  auto agent = std::make_unique<LegacyAgent>(legacy_enroll(server_.enrollment_address(), "legacy9"));
  const std::string id = agent->key().id;
  ASSERT_TRUE(eventually([&] { return herald_alerts("200503", {"agent", "id"}, id).size() == 1; }));
  agent->connect(server_.remote_address());
  ASSERT_TRUE(agent->start_up());
  ASSERT_TRUE(agent->keepalive());
  ASSERT_TRUE(eventually([&] { return herald_alerts("200501", {"agent", "id"}, id).size() == 1; }));
  agent->drop();
  ASSERT_TRUE(eventually([&] { return herald_alerts("200502", {"agent", "id"}, id).size() == 1; }));
  const auto gone = herald_alerts("200502", {"agent", "id"}, id)[0].at("data").at("herald");
  EXPECT_EQ(gone.at("agent").at("name"), "legacy9");
  EXPECT_NE(std::string(gone.at("reason").as_string()).find("closed"), std::string::npos) << gone;

  EXPECT_EQ(legacy_enroll_raw(server_.enrollment_address(), "OSSEC A:'legacy9'\n"),
            "ERROR: Duplicate agent name: legacy9ERROR: Unable to add agent");
  ASSERT_TRUE(eventually([&] { return herald_alerts("200504", {"agent", "name"}, "legacy9").size() == 1; }));
  const auto refused = herald_alerts("200504", {"agent", "name"}, "legacy9")[0].at("data").at("herald");
  EXPECT_EQ(refused.at("source").at("ip"), "127.0.0.1");
  EXPECT_EQ(refused.at("reason"), "Duplicate agent name: legacy9");
}

TEST(AnalysisStartup, ARulesFileThatDoesNotLoadStopsTheStartWithItsLine) {
  TempDir rules;
  {
    std::ofstream file(rules.path() / "local_rules.xml");
    file << "<group name=\"local,\">\n  <rule id=\"100001\" level=\"5\">\n    <if_sid>999999999</if_sid>\n"
            "    <bogus_option>x</bogus_option>\n  </rule>\n</group>\n";
  }
  HeralddProcess server("analysis: {ruleset_dirs: [\"" + rules.path().string() + "\"]}\n");
  std::string output;
  EXPECT_NE(server.run_expecting_exit(output), 0);
  EXPECT_NE(output.find("local_rules.xml:"), std::string::npos) << output;
  EXPECT_NE(output.find("bogus_option"), std::string::npos) << output;
}

TEST(AnalysisStartup, AnalysisCanBeTurnedOff) {
  HeralddProcess server("analysis: {enabled: false}\n");
  server.start();
  EXPECT_EQ(metric_value(server.management_url(), "herald_analysis_events_total"), -1.0);
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() / "alerts" / "alerts.json"));
}

}  // namespace
}  // namespace herald::test
