// The rules, decoders and lists API (issue 16 part 7) on a real heraldd: Wazuh's GET routes with
// their filters, and custom files: a good one takes effect at once (an event raises its rule), a
// bad one is refused with its file and line and changes nothing, overwrite, delete, and the
// files survive a restart. RulesetCluster: a PUT on one node of a cluster (PostgreSQL + NATS, or
// PostgreSQL alone) takes effect on the other.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/nats_server.h"
#include "support/postgres_server.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// A child of the default ruleset's sshd authentication failure, for one attacker's address.
constexpr const char* kLocalRules = R"(<group name="local,">
  <rule id="100100" level="12">
    <if_sid>200201</if_sid>
    <srcip>203.0.113.77</srcip>
    <description>Known attacker failed to log in.</description>
    <group>pci_dss_10.2.4,</group>
  </rule>
</group>
)";
// Line 4 holds an element rules do not have.
constexpr const char* kBadRules = R"(<group name="local,">
  <rule id="100101" level="12">
    <if_sid>200201</if_sid>
    <no_such_option>x</no_such_option>
    <description>Never loaded.</description>
  </rule>
</group>
)";

std::string stateless_body(const TestAgent& agent, const std::string& log) {
  std::string body = agent.metadata_line() + "\n";
  body += R"({"module":"logcollector","collector":"file"})"
          "\n";
  body += json::serialize(json::object{{"log", {{"file", {{"path", "/var/log/auth.log"}}}}},
                                       {"event", {{"original", log}, {"created", "2026-12-07T10:00:00Z"}}}}) +
          "\n";
  return body;
}

std::string failed_password_from(const std::string& ip) {
  return "Dec  7 10:00:00 web1 sshd[4100]: Failed password for root from " + ip + " port 40000 ssh2";
}

json::object parsed(const HttpResult& reply) {
  auto value = json::parse(reply.body);
  return value.as_object();
}

const json::array& affected(const json::object& reply) {
  return reply.at("data").at("affected_items").as_array();
}
std::int64_t total(const json::object& reply) {
  return reply.at("data").at("total_affected_items").as_int64();
}

HttpResult put_file(HttpClient& client, const std::string& target, const std::string& body) {
  return client.request("PUT", target, body, {{"Content-Type", "application/octet-stream"}});
}

std::vector<json::object> alerts_in(const std::filesystem::path& data_dir, const std::string& rule_id) {
  std::vector<json::object> out;
  std::ifstream in(data_dir / "alerts" / "alerts.json");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto alert = json::parse(line).as_object();
    if (alert.at("rule").at("id").as_string() == rule_id) out.push_back(std::move(alert));
  }
  return out;
}

// An agent enrolled through `admin` and authenticated on `comms_url`.
std::unique_ptr<TestAgent> new_agent(HttpClient& admin, const std::string& comms_url, const std::string& name) {
  auto key = auth::random_alnum(32);
  auto id = random_uuid_v4();
  if (admin.post("/agents", enrollment_body(id, name, key)).status != 201u) throw std::runtime_error("enrolment");
  auto agent = std::make_unique<TestAgent>(comms_url, id, key, name);
  if (agent->authenticate().status != 200u) throw std::runtime_error("authentication");
  return agent;
}

bool rule_is_listed(HttpClient& client, const std::string& id) {
  auto reply = client.get("/rules?rule_ids=" + id);
  return reply.status == 200u && total(parsed(reply)) == 1;
}

class RulesetApi : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.set_config_yaml("analysis: {herald_events: false}\n");
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }

  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
};

TEST_F(RulesetApi, ListsRulesWithWazuhsFiltersAndEnvelope) {
  auto one = admin_->get("/rules?rule_ids=200201");
  ASSERT_EQ(one.status, 200u) << one.body;
  auto reply = parsed(one);
  EXPECT_EQ(reply.at("message"), "All selected rules were returned");
  EXPECT_EQ(reply.at("error"), 0);
  ASSERT_EQ(total(reply), 1);
  const auto& rule = affected(reply)[0].as_object();
  EXPECT_EQ(rule.at("id"), 200201);
  EXPECT_EQ(rule.at("level"), 5);
  EXPECT_EQ(rule.at("filename"), "0110-herald_sshd_rules.xml");
  EXPECT_EQ(rule.at("status"), "enabled");
  EXPECT_EQ(rule.at("description"), "sshd: authentication failed.");
  EXPECT_EQ(rule.at("details").at("if_sid"), "200200");
  EXPECT_EQ(reply.at("data").at("failed_items"), json::array{});

  auto ranged = parsed(admin_->get("/rules?level=10-15&sort=-level&limit=3"));
  ASSERT_GT(total(ranged), 0);
  EXPECT_LE(affected(ranged).size(), 3u);
  std::int64_t previous = 15;
  for (const auto& item : affected(ranged)) {
    const auto level = item.at("level").as_int64();
    EXPECT_TRUE(level >= 10 && level <= previous) << level;
    previous = level;
  }
  auto group = parsed(admin_->get("/rules?group=authentication_failed&filename=0110-herald_sshd_rules.xml"));
  ASSERT_GT(total(group), 0);
  for (const auto& item : affected(group)) EXPECT_EQ(item.at("filename"), "0110-herald_sshd_rules.xml");
  auto searched = parsed(admin_->get("/rules?search=authentication%20failed&rule_ids=200201,200203"));
  EXPECT_EQ(total(searched), 1);

  auto missing = parsed(admin_->get("/rules?rule_ids=200201,999999"));
  EXPECT_EQ(missing.at("message"), "Some rules were not returned");
  EXPECT_EQ(missing.at("error"), 2);
  const auto& failed = missing.at("data").at("failed_items").as_array();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].at("error").at("code"), 1208);

  auto bad_level = admin_->get("/rules?level=high");
  EXPECT_EQ(bad_level.status, 400u);
  EXPECT_EQ(parsed(bad_level).at("error"), 1203);

  auto groups = parsed(admin_->get("/rules/groups"));
  EXPECT_EQ(groups.at("message"), "All groups in rules were returned");
  bool has_sshd_failure = false;
  for (const auto& g : affected(groups)) has_sshd_failure |= g.as_string() == "sshd_auth_failure";
  EXPECT_TRUE(has_sshd_failure);
  EXPECT_EQ(admin_->get("/rules").status, 200u);
  EXPECT_EQ(HttpClient(server_.management_url()).get("/rules").status, 401u);
}

TEST_F(RulesetApi, ListsFilesDecodersAndListsAndShowsAFileRaw) {
  auto files = parsed(admin_->get("/rules/files?filename=0110-herald_sshd_rules.xml"));
  EXPECT_EQ(files.at("message"), "All rule files were returned");
  ASSERT_EQ(total(files), 1);
  EXPECT_EQ(affected(files)[0].at("status"), "enabled");

  auto raw = admin_->get("/rules/files/0110-herald_sshd_rules.xml?raw=true");
  ASSERT_EQ(raw.status, 200u);
  EXPECT_EQ(raw.header("content-type"), "application/xml");
  std::ifstream source(std::string(HERALD_SOURCE_DIR) + "/ruleset/rules/0110-herald_sshd_rules.xml");
  std::stringstream text;
  text << source.rdbuf();
  EXPECT_EQ(raw.body, text.str());
  auto as_json = parsed(admin_->get("/rules/files/0110-herald_sshd_rules.xml"));
  ASSERT_EQ(total(as_json), 1);
  EXPECT_TRUE(affected(as_json)[0].as_object().contains("group"));
  EXPECT_EQ(admin_->get("/rules/files/nope.xml?raw=true").status, 404u);

  auto decoders = parsed(admin_->get("/decoders?decoder_names=herald-sshd"));
  EXPECT_EQ(decoders.at("message"), "All selected decoders were returned");
  ASSERT_GT(total(decoders), 0);
  for (const auto& item : affected(decoders)) EXPECT_EQ(item.at("name"), "herald-sshd");
  auto parents = parsed(admin_->get("/decoders/parents?limit=100000"));
  ASSERT_GT(total(parents), 0);
  for (const auto& item : affected(parents)) EXPECT_FALSE(item.at("details").as_object().contains("parent"));
  EXPECT_GT(total(parsed(admin_->get("/decoders/files"))), 0);
  EXPECT_EQ(admin_->get("/decoders/files/0110-herald_sshd_decoders.xml?raw=true").status, 200u);
  EXPECT_EQ(admin_->get("/lists").status, 200u);
  EXPECT_EQ(admin_->get("/lists/files").status, 200u);
}

TEST_F(RulesetApi, AGoodRulesFileTakesEffectAtOnceAndAnEventRaisesItsRule) {
  auto put = put_file(*admin_, "/rules/files/local_rules.xml", kLocalRules);
  ASSERT_EQ(put.status, 200u) << put.body;
  auto reply = parsed(put);
  EXPECT_EQ(reply.at("message"), "Rule was successfully uploaded");
  EXPECT_EQ(affected(reply), (json::array{"etc/rules/local_rules.xml"}));

  auto listed = parsed(admin_->get("/rules?rule_ids=100100"));
  ASSERT_EQ(total(listed), 1);
  EXPECT_EQ(affected(listed)[0].at("relative_dirname"), "etc/rules");
  EXPECT_EQ(affected(listed)[0].at("pci_dss"), (json::array{"10.2.4"}));
  auto raw = admin_->get("/rules/files/local_rules.xml?raw=true");
  EXPECT_EQ(raw.body, kLocalRules);

  auto agent = new_agent(*admin_, server_.comms_url(), "web1");
  ASSERT_EQ(agent->send_stateless(stateless_body(*agent, failed_password_from("203.0.113.77"))).status, 204u);
  ASSERT_TRUE(eventually([&] { return alerts_in(server_.data_dir(), "100100").size() == 1; }));
  EXPECT_EQ(alerts_in(server_.data_dir(), "100100")[0].at("rule").at("level"), 12);
}

TEST_F(RulesetApi, ABadFileIsRefusedWithItsLineAndChangesNothing) {
  ASSERT_EQ(put_file(*admin_, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  auto before = admin_->get("/rules?limit=100000").body;
  auto bad = put_file(*admin_, "/rules/files/bad_rules.xml", kBadRules);
  ASSERT_EQ(bad.status, 400u) << bad.body;
  auto detail = std::string(parsed(bad).at("detail").as_string());
  EXPECT_NE(detail.find("etc/rules/bad_rules.xml:4"), std::string::npos) << detail;
  EXPECT_NE(detail.find("no_such_option"), std::string::npos) << detail;
  EXPECT_EQ(admin_->get("/rules?limit=100000").body, before);
  EXPECT_EQ(total(parsed(admin_->get("/rules/files?filename=bad_rules.xml"))), 0);

  // A bad replacement of a good file keeps the good one.
  auto replaced = put_file(*admin_, "/rules/files/local_rules.xml?overwrite=true", kBadRules);
  EXPECT_EQ(replaced.status, 400u);
  EXPECT_TRUE(rule_is_listed(*admin_, "100100"));
  EXPECT_EQ(admin_->get("/rules/files/local_rules.xml?raw=true").body, kLocalRules);

  // Unparsable XML and a decoder that does not compile are refused too.
  EXPECT_EQ(put_file(*admin_, "/rules/files/broken.xml", "<group name=\"x\"><rule id=\"1\"").status, 400u);
  auto decoder = put_file(*admin_, "/decoders/files/local_decoder.xml",
                          "<decoder name=\"x\">\n  <prematch type=\"pcre2\">(</prematch>\n</decoder>\n");
  EXPECT_EQ(decoder.status, 400u);
  // The decoder loader names the <decoder> element's line, and the option at fault.
  EXPECT_NE(decoder.body.find("etc/decoders/local_decoder.xml:1: decoder"), std::string::npos) << decoder.body;
  EXPECT_NE(decoder.body.find("prematch"), std::string::npos) << decoder.body;
}

TEST_F(RulesetApi, AnExistingFileIsReplacedOnlyWithOverwrite) {
  ASSERT_EQ(put_file(*admin_, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  std::string louder = kLocalRules;
  louder.replace(louder.find("level=\"12\""), 10, "level=\"13\"");
  auto again = put_file(*admin_, "/rules/files/local_rules.xml", louder);
  ASSERT_EQ(again.status, 200u);
  auto reply = parsed(again);
  EXPECT_EQ(reply.at("error"), 1);
  EXPECT_EQ(reply.at("message"), "Could not upload rule");
  EXPECT_EQ(reply.at("data").at("failed_items").as_array()[0].at("error").at("code"), 1905);
  EXPECT_EQ(affected(parsed(admin_->get("/rules?rule_ids=100100")))[0].at("level"), 12);

  ASSERT_EQ(parsed(put_file(*admin_, "/rules/files/local_rules.xml?overwrite=true", louder)).at("error"), 0);
  EXPECT_EQ(affected(parsed(admin_->get("/rules?rule_ids=100100")))[0].at("level"), 13);

  EXPECT_EQ(put_file(*admin_, "/rules/files/local_rules.xml?overwrite=maybe", louder).status, 400u);
  EXPECT_EQ(admin_->request("PUT", "/rules/files/x.xml", kLocalRules, {{"Content-Type", "application/xml"}}).status,
            415u);
  EXPECT_EQ(put_file(*admin_, "/rules/files/no_extension", kLocalRules).status, 400u);
  EXPECT_EQ(put_file(*admin_, "/rules/files/empty.xml", "").status, 400u);
  // Compiled lists are not uploaded.
  EXPECT_EQ(put_file(*admin_, "/lists/files/x.cdb", "a:b\n").status, 400u);
}

TEST_F(RulesetApi, DeleteRemovesTheFileAndItsRules) {
  ASSERT_EQ(put_file(*admin_, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  auto deleted = admin_->del("/rules/files/local_rules.xml");
  ASSERT_EQ(deleted.status, 200u);
  EXPECT_EQ(parsed(deleted).at("message"), "Rule was successfully deleted");
  EXPECT_FALSE(rule_is_listed(*admin_, "100100"));
  auto again = parsed(admin_->del("/rules/files/local_rules.xml"));
  EXPECT_EQ(again.at("error"), 1);
  EXPECT_EQ(again.at("data").at("failed_items").as_array()[0].at("error").at("code"), 1906);
}

TEST_F(RulesetApi, ListsAndDecodersCanBeAddedAndRulesUseThem) {
  ASSERT_EQ(put_file(*admin_, "/lists/files/attackers", "203.0.113.88:known\n").status, 200u);
  auto lists = parsed(admin_->get("/lists?filename=attackers"));
  ASSERT_EQ(total(lists), 1);
  EXPECT_EQ(affected(lists)[0].at("relative_dirname"), "etc/lists");
  EXPECT_EQ(affected(lists)[0].at("items"), (json::array{json::object{{"key", "203.0.113.88"}, {"value", "known"}}}));
  auto rules = put_file(*admin_, "/rules/files/list_rules.xml", R"(<group name="local,">
  <rule id="100110" level="11">
    <if_sid>200201</if_sid>
    <list field="srcip" lookup="address_match_key">etc/lists/attackers</list>
    <description>Listed attacker failed to log in.</description>
  </rule>
</group>
)");
  ASSERT_EQ(rules.status, 200u) << rules.body;
  auto agent = new_agent(*admin_, server_.comms_url(), "web2");
  ASSERT_EQ(agent->send_stateless(stateless_body(*agent, failed_password_from("203.0.113.88"))).status, 204u);
  ASSERT_TRUE(eventually([&] { return alerts_in(server_.data_dir(), "100110").size() == 1; }));
  // The list is in use: deleting it leaves the rule without its list, which Wazuh skips.
  ASSERT_EQ(admin_->del("/lists/files/attackers").status, 200u);
  EXPECT_EQ(affected(parsed(admin_->get("/rules?rule_ids=100110")))[0].at("status"), "disabled");
}

TEST_F(RulesetApi, CustomFilesSurviveARestart) {
  ASSERT_EQ(put_file(*admin_, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  server_.stop();
  server_.start();
  auto admin = server_.admin_client();
  EXPECT_TRUE(rule_is_listed(admin, "100100"));
  EXPECT_EQ(admin.get("/rules/files/local_rules.xml?raw=true").body, kLocalRules);
}

// Two nodes on one PostgreSQL database.
class RulesetCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = PostgresServer::unavailable_reason(); !reason.empty()) GTEST_SKIP() << reason;
    database_ = std::make_unique<PostgresDatabase>(PostgresServer::shared());
  }
  void TearDown() override {
    if (HasFailure()) {
      for (auto& node : nodes_) std::cerr << "heraldd output:\n" << node->output() << std::endl;
    }
  }
  HeralddProcess& start_node(int n, const std::string& nats_url) {
    std::string yaml = "node: {name: node-" + std::to_string(n) + "}\n" + "storage: {backend: postgres, dsn: \"" +
                       database_->dsn() + "\"}\n" +
                       "auth: {jwt_secret: \"ruleset-cluster-secret-0123456789abcdef\"}\n" +
                       "analysis: {herald_events: false}\n";
    if (!nats_url.empty()) yaml += "nats: {enabled: yes, url: \"" + nats_url + "\"}\n";
    nodes_.push_back(std::make_unique<HeralddProcess>(yaml));
    nodes_.back()->start();
    return *nodes_.back();
  }

  std::unique_ptr<PostgresDatabase> database_;
  std::vector<std::unique_ptr<HeralddProcess>> nodes_;
};

TEST_F(RulesetCluster, APutOnOneNodeTakesEffectOnTheOtherThroughNats) {
  if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
  NatsServer nats;
  nats.start();
  auto& a = start_node(1, nats.url());
  auto& b = start_node(2, nats.url());
  auto admin_a = a.admin_client();
  auto admin_b = b.admin_client();
  ASSERT_FALSE(rule_is_listed(admin_b, "100100"));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(put_file(admin_a, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  ASSERT_TRUE(eventually([&] { return rule_is_listed(admin_b, "100100"); }, 10s));
  std::cerr << "node B listed the new rule "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms after the PUT on node A\n";
  auto metrics = admin_b.get("/metrics").body;
  EXPECT_NE(metrics.find("\nherald_analysis_ruleset_version 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("herald_analysis_ruleset_reloads_total{outcome=\"ok\"} 1\n"), std::string::npos);
  auto agent = new_agent(admin_b, b.comms_url(), "web-b");
  ASSERT_EQ(agent->send_stateless(stateless_body(*agent, failed_password_from("203.0.113.77"))).status, 204u);
  EXPECT_TRUE(eventually([&] { return alerts_in(b.data_dir(), "100100").size() == 1; }));

  // A refused file changes nothing on either node.
  ASSERT_EQ(put_file(admin_b, "/rules/files/bad_rules.xml", kBadRules).status, 400u);
  EXPECT_EQ(total(parsed(admin_a.get("/rules/files?filename=bad_rules.xml"))), 0);
  ASSERT_EQ(admin_b.del("/rules/files/local_rules.xml").status, 200u);
  EXPECT_TRUE(eventually([&] { return !rule_is_listed(admin_a, "100100"); }, 10s));
}

TEST_F(RulesetCluster, WithoutNatsThePeriodicCheckCarriesTheChange) {
  auto& a = start_node(1, "");
  auto& b = start_node(2, "");
  auto admin_a = a.admin_client();
  auto admin_b = b.admin_client();
  ASSERT_EQ(put_file(admin_a, "/rules/files/local_rules.xml", kLocalRules).status, 200u);
  EXPECT_TRUE(eventually([&] { return rule_is_listed(admin_b, "100100"); }, 15s));
}

}  // namespace
}  // namespace herald::test
