// Stored alerts (issue 17, part 4): alerts raised by events HTTP agents send are stored and
// GET /alerts finds them by each filter, pages through them with totals, sorts them, refuses bad
// parameters with a 400 that names the parameter, and wants a token like every other route.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/cli_runner.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

class AlertSearch : public ::testing::Test {
 protected:
  // Eight failed logins from web1 (seven 200201 alerts, level 5, then the brute-force 200220,
  // level 10, for the eighth) and one unknown user on db1 (200203): nine alerts.
  void SetUp() override {
    server_.set_config_yaml("analysis: {herald_events: false}\n");  // counted exactly
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
    web_ = new_agent("web1");
    db_ = new_agent("db1");
    std::vector<std::string> failures;
    for (int i = 0; i < 8; ++i) {
      failures.push_back("Dec  8 00:10:00 web1 sshd[4100]: Failed password for root from 203.0.113.50 port " +
                         std::to_string(40000 + i) + " ssh2");
    }
    ASSERT_EQ(web_->send_stateless(logcollector_body(*web_, failures)).status, 204u);
    ASSERT_EQ(db_->send_stateless(
                     logcollector_body(*db_, {"Dec  8 00:10:01 db1 sshd[77]: Invalid user bob from 198.51.100.7"}))
                  .status,
              204u);
    ASSERT_TRUE(eventually([&] { return total("/alerts") == 9; })) << total("/alerts");
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }

  std::unique_ptr<TestAgent> new_agent(const std::string& name) {
    return enrolled_agent(*admin_, server_.comms_url(), name);
  }

  json::object list(const std::string& target) {
    auto reply = admin_->get(target);
    EXPECT_EQ(reply.status, 200u) << target << ": " << reply.body;
    if (reply.status != 200u) return {};
    return json::parse(reply.body).at("data").as_object();
  }
  std::int64_t total(const std::string& target) {
    auto data = list(target);
    return data.contains("total_affected_items") ? data.at("total_affected_items").as_int64() : -1;
  }
  std::vector<json::object> items(const std::string& target) {
    std::vector<json::object> out;
    auto data = list(target);
    if (!data.contains("affected_items")) return out;
    for (const auto& item : data.at("affected_items").as_array()) out.push_back(item.as_object());
    return out;
  }
  std::map<std::string, std::string> cli_environment() const {
    return {{"HERALD_URL", server_.management_url()}, {"HERALD_USER", "admin"}, {"HERALD_PASSWORD", kAdminPassword}};
  }
  double alert_requests() const {
    return metric_value(server_.management_url(),
                        "herald_http_requests_total{listener=\"management\",route=\"/alerts\",status=\"200\"}");
  }
  static std::string rule_of(const json::object& alert) { return std::string(alert.at("rule").at("id").as_string()); }

  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<TestAgent> web_;
  std::unique_ptr<TestAgent> db_;
};

TEST_F(AlertSearch, EachFilterFindsItsAlerts) {
  auto brute_force = items("/alerts?level=10");
  ASSERT_EQ(brute_force.size(), 1u);
  EXPECT_EQ(rule_of(brute_force[0]), "200220");
  EXPECT_EQ(brute_force[0].at("agent").at("id").as_string(), web_->id());
  EXPECT_EQ(total("/alerts?level=5"), 9);

  EXPECT_EQ(total("/alerts?rule_id=200201"), 7);
  auto unknown_user = items("/alerts?rule_id=200203");
  ASSERT_EQ(unknown_user.size(), 1u);
  EXPECT_EQ(unknown_user[0].at("agent").at("name").as_string(), "db1");

  EXPECT_EQ(total("/alerts?agent_id=" + web_->id()), 8);
  EXPECT_EQ(total("/alerts?agent_id=" + db_->id()), 1);
  EXPECT_EQ(total("/alerts?group=sshd"), 9);
  EXPECT_EQ(total("/alerts?group=invalid_login"), 1);
  EXPECT_EQ(total("/alerts?group=authentication_failures"), 1);
  EXPECT_EQ(total("/alerts?group=auth"), 0);  // whole groups only

  auto bob = items("/alerts?search=user%20BOB");  // full_log, case ignored
  ASSERT_EQ(bob.size(), 1u);
  EXPECT_EQ(rule_of(bob[0]), "200203");
  EXPECT_EQ(total("/alerts?search=brute%20force"), 1);  // description

  EXPECT_EQ(total("/alerts?from=2000-01-01T00:00:00Z"), 9);
  EXPECT_EQ(total("/alerts?from=4102444800"), 0);  // 2100
  EXPECT_EQ(total("/alerts?to=2000-01-01T00:00:00Z"), 0);
  EXPECT_EQ(total("/alerts?level=10&group=sshd&agent_id=" + web_->id()), 1);
}

TEST_F(AlertSearch, PagesAndSorts) {
  std::set<std::string> seen;
  for (int offset = 0; offset < 9; offset += 4) {
    auto data = list("/alerts?limit=4&offset=" + std::to_string(offset));
    EXPECT_EQ(data.at("total_affected_items").as_int64(), 9);
    const auto& page = data.at("affected_items").as_array();
    EXPECT_EQ(page.size(), offset == 8 ? 1u : 4u);
    for (const auto& alert : page) seen.insert(std::string(alert.at("id").as_string()));
  }
  EXPECT_EQ(seen.size(), 9u);

  auto newest = items("/alerts");
  auto oldest = items("/alerts?sort=%2Btimestamp");
  ASSERT_EQ(newest.size(), 9u);
  ASSERT_EQ(oldest.size(), 9u);
  for (std::size_t i = 0; i + 1 < newest.size(); ++i) {
    EXPECT_GE(newest[i].at("timestamp").as_string(), newest[i + 1].at("timestamp").as_string());
    EXPECT_LE(oldest[i].at("timestamp").as_string(), oldest[i + 1].at("timestamp").as_string());
  }
  auto by_level = items("/alerts?sort=-level&limit=1");
  ASSERT_EQ(by_level.size(), 1u);
  EXPECT_EQ(rule_of(by_level[0]), "200220");
}

TEST_F(AlertSearch, BadParametersAre400sThatNameTheParameter) {
  for (auto [target, expected] : std::vector<std::pair<std::string, std::string>>{
           {"/alerts?level=high", "level must be"},
           {"/alerts?limit=501", "limit must be an integer from 1 to 500"},
           {"/alerts?from=yesterday", "from must be an ISO-8601"},
           {"/alerts?rule_id=-3", "rule_id must be a positive integer"},
           {"/alerts?sort=name", "sort must be"},
           {"/alerts?from=2026-12-08T00:00:00Z&to=2026-12-07T00:00:00Z", "from must not be after to"},
       }) {
    auto reply = admin_->get(target);
    EXPECT_EQ(reply.status, 400u) << target;
    EXPECT_NE(reply.body.find(expected), std::string::npos) << target << ": " << reply.body;
  }
}

TEST_F(AlertSearch, WantsAToken) {
  HttpClient anonymous(server_.management_url());
  EXPECT_EQ(anonymous.get("/alerts").status, 401u);
}

TEST_F(AlertSearch, TheCliListsThemAsATableOrJsonWithTheSameFilters) {
  auto table = run_cli(HERALD_CLI_PATH, {"alerts", "--level", "10"}, cli_environment());
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("TIME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("DESCRIPTION"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("200220"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sshd: brute force"), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("200201"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1 alert\n"), std::string::npos) << table.out;

  auto limited = run_cli(HERALD_CLI_PATH, {"alerts", "--limit", "3"}, cli_environment());
  ASSERT_EQ(limited.status, 0) << limited.err;
  EXPECT_NE(limited.out.find("3 of 9 alerts"), std::string::npos) << limited.out;

  auto json_run =
      run_cli(HERALD_CLI_PATH, {"alerts", "--json", "--agent", db_->id(), "--search", "bob"}, cli_environment());
  ASSERT_EQ(json_run.status, 0) << json_run.err;
  auto data = json::parse(json_run.out).as_object();
  EXPECT_EQ(data.at("total_affected_items").as_int64(), 1);
  EXPECT_EQ(data.at("affected_items").as_array().at(0).at("rule").at("id").as_string(), "200203");

  auto bad = run_cli(HERALD_CLI_PATH, {"alerts", "--level", "99"}, cli_environment());
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("level must be an integer from 0 to 16"), std::string::npos) << bad.err;
}

TEST_F(AlertSearch, TheCliFollowsNewAlerts) {
  const double before = alert_requests();
  CliResult follow;
  std::thread cli([&] {
    follow = run_cli(HERALD_CLI_PATH, {"alerts", "--follow", "--json", "--agent", db_->id()}, cli_environment(), "",
                     std::chrono::seconds(8));
  });
  // Its first list and one poll are done: what comes now can only reach it by following.
  EXPECT_TRUE(eventually([&] { return alert_requests() >= before + 2; }));
  ASSERT_EQ(db_->send_stateless(
                   logcollector_body(*db_, {"Dec  8 00:10:02 db1 sshd[78]: Invalid user carol from 198.51.100.8"}))
                .status,
            204u);
  cli.join();  // killed after its timeout, having polled every second
  std::vector<json::object> lines;
  std::set<std::string> ids;
  for (std::size_t at = 0, end; (end = follow.out.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(json::parse(follow.out.substr(at, end - at)).as_object());
    ids.insert(std::string(lines.back().at("id").as_string()));
  }
  ASSERT_EQ(lines.size(), 2u) << follow.out << follow.err;
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_NE(std::string(lines[0].at("full_log").as_string()).find("bob"), std::string::npos);
  EXPECT_NE(std::string(lines[1].at("full_log").as_string()).find("carol"), std::string::npos);
}

}  // namespace
}  // namespace herald::test
