// The AlertStore contract, on every backend: batches stored once, each filter of GET /alerts,
// the sorts, paging with totals, and the retention purge in batches.
#include <gtest/gtest.h>

// Queries and options are written with designated initializers, naming only what a test sets.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <string>
#include <vector>

#include "store_test_fixture.h"

namespace herald::store::testing {
namespace {

constexpr std::int64_t kT0 = 1'796'691'600'000;  // 2026-12-08T01:00:00Z

StoredAlert make_alert(int n, int level, std::int64_t rule_id, const std::string& agent, const std::string& groups,
                       const std::string& description, const std::string& full_log = "") {
  StoredAlert alert;
  alert.id = "1796691600." + std::to_string(n);
  alert.time_ms = kT0 + n * 1000;
  alert.level = level;
  alert.rule_id = rule_id;
  alert.agent_id = agent;
  alert.groups = groups;
  alert.description = description;
  alert.full_log = full_log;
  alert.json = R"({"id":")" + alert.id + R"("})";
  return alert;
}

// Six alerts, one second apart (n = 1..6).
std::vector<StoredAlert> sample_alerts() {
  return {
      make_alert(1, 5, 5710, "001", ",syslog,sshd,invalid_login,", "sshd: Attempt to login using a non-existent user",
                 "Dec  8 01:00:01 web sshd[1]: Invalid user admin from 10.0.0.9"),
      make_alert(2, 10, 5712, "001", ",syslog,sshd,authentication_failures,", "sshd: brute force trying to get access"),
      make_alert(3, 3, 5402, "002", ",syslog,sudo,", "Successful sudo to ROOT executed", "sudo: alice : COMMAND=/bin/sh"),
      make_alert(4, 7, 550, "002", ",ossec,syscheck,", "Integrity checksum changed."),
      make_alert(5, 3, 502, "000", ",ossec,", "Wazuh server started."),
      make_alert(6, 12, 5712, "003", ",syslog,sshd_extra,", "sshd: brute 100% force"),
  };
}

std::vector<std::string> ids(const Page<StoredAlert>& page) {
  std::vector<std::string> out;
  for (const auto& alert : page.items) out.push_back(alert.id.substr(alert.id.find('.') + 1));
  return out;
}

// Runs on StoreContract (instantiated for every backend in store_backends_test.cpp): stores the
// samples, then answers queries.
Page<StoredAlert> query(Store& store, AlertQuery query) { return samples::value_or_fail(store.query_alerts(query)); }

#define SEED_ALERTS() ASSERT_TRUE(store().store_alerts(sample_alerts()).ok())

TEST_P(StoreContract, AlertsStoresEveryFieldAndSkipsAnIdStoredBefore) {
  SEED_ALERTS();
  auto again = sample_alerts();
  again[0].description = "replayed";
  ASSERT_TRUE(store().store_alerts(again).ok());
  auto page = query(store(), {.sort = AlertQuery::Sort::oldest_first});
  EXPECT_EQ(page.total, 6);
  ASSERT_EQ(page.items.size(), 6u);
  EXPECT_EQ(page.items[0], sample_alerts()[0]);
  EXPECT_TRUE(store().store_alerts({}).ok());
}

TEST_P(StoreContract, AlertsNewestFirstByDefaultOldestFirstOrHighestLevel) {
  SEED_ALERTS();
  EXPECT_EQ(ids(query(store(), {})), (std::vector<std::string>{"6", "5", "4", "3", "2", "1"}));
  EXPECT_EQ(ids(query(store(), {.sort = AlertQuery::Sort::oldest_first})),
            (std::vector<std::string>{"1", "2", "3", "4", "5", "6"}));
  EXPECT_EQ(ids(query(store(), {.sort = AlertQuery::Sort::highest_level})),
            (std::vector<std::string>{"6", "2", "4", "1", "5", "3"}));
}

TEST_P(StoreContract, AlertsEachFilterAloneAndTogether) {
  SEED_ALERTS();
  EXPECT_EQ(ids(query(store(), {.from_ms = kT0 + 5000})), (std::vector<std::string>{"6", "5"}));
  EXPECT_EQ(ids(query(store(), {.to_ms = kT0 + 2000})), (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(ids(query(store(), {.min_level = 7})), (std::vector<std::string>{"6", "4", "2"}));
  EXPECT_EQ(ids(query(store(), {.rule_id = 5712})), (std::vector<std::string>{"6", "2"}));
  EXPECT_EQ(ids(query(store(), {.agent_id = "002"})), (std::vector<std::string>{"4", "3"}));
  // A group matches whole: "sshd" is not "sshd_extra".
  EXPECT_EQ(ids(query(store(), {.group = "sshd"})), (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(ids(query(store(), {.group = "ossec"})), (std::vector<std::string>{"5", "4"}));
  // search: description or full_log, ASCII case ignored, % and _ taken literally.
  EXPECT_EQ(ids(query(store(), {.search = "BRUTE"})), (std::vector<std::string>{"6", "2"}));
  EXPECT_EQ(ids(query(store(), {.search = "invalid user admin"})), (std::vector<std::string>{"1"}));
  EXPECT_EQ(ids(query(store(), {.search = "100%"})), (std::vector<std::string>{"6"}));
  EXPECT_EQ(ids(query(store(), {.search = "_"})), (std::vector<std::string>{}));
  EXPECT_EQ(ids(query(store(), {.from_ms = kT0 + 2000, .to_ms = kT0 + 6000, .min_level = 5, .group = "sshd"})),
            (std::vector<std::string>{"2"}));
  EXPECT_EQ(query(store(), {.agent_id = "999"}).total, 0);
}

TEST_P(StoreContract, AlertsPagesCountEveryMatch) {
  SEED_ALERTS();
  auto first = query(store(), {.offset = 0, .limit = 4});
  EXPECT_EQ(first.total, 6);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"6", "5", "4", "3"}));
  auto second = query(store(), {.offset = 4, .limit = 4});
  EXPECT_EQ(second.total, 6);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"2", "1"}));
  auto filtered = query(store(), {.min_level = 5, .offset = 1, .limit = 2});
  EXPECT_EQ(filtered.total, 4);
  EXPECT_EQ(ids(filtered), (std::vector<std::string>{"4", "2"}));
}

TEST_P(StoreContract, AlertsPurgeDeletesOnlyOlderAlertsOldestFirstInBatches) {
  SEED_ALERTS();
  EXPECT_EQ(samples::value_or_fail(store().delete_alerts_before(kT0 + 4000, 2)), 2);
  EXPECT_EQ(ids(query(store(), {})), (std::vector<std::string>{"6", "5", "4", "3"}));
  EXPECT_EQ(samples::value_or_fail(store().delete_alerts_before(kT0 + 4000, 2)), 1);
  EXPECT_EQ(samples::value_or_fail(store().delete_alerts_before(kT0 + 4000, 2)), 0);
  EXPECT_EQ(ids(query(store(), {})), (std::vector<std::string>{"6", "5", "4"}));
}

TEST_P(StoreContract, AlertsSurviveAReopen) {
  SEED_ALERTS();
  reopen();
  EXPECT_EQ(query(store(), {}).total, 6);
}

}  // namespace
}  // namespace herald::store::testing
