// The LegacyKeyStore contract (Wazuh 4.x agents' keys), on every backend: id allocation,
// duplicate refusals and authd's replacement rules (legacy-4x-protocol.md §1.4–§1.5), the agent
// row an enrollment creates, group replacement, the new keep-alive fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/legacy_enrollment_rules.h"
#include "unit/store_test_fixture.h"

namespace herald::store::testing {
namespace {

using Kind = LegacyEnrollmentOutcome::Kind;
using samples::enrollment;
using samples::kNow;
using samples::make_key;
using samples::value_or_fail;

constexpr std::int64_t kHour = 3600;

TEST_P(LegacyKeys, IdsStartAt001AndFollowEachOther) {
  auto first = enroll(enrollment("web1"));
  ASSERT_EQ(first.kind, Kind::enrolled);
  EXPECT_EQ(first.key.id, "001");
  EXPECT_EQ(first.key.name, "web1");
  EXPECT_EQ(first.key.ip, "any");
  EXPECT_EQ(first.key.key, enrollment("web1").key);
  EXPECT_EQ(first.key.registered_at, kNow);
  EXPECT_FALSE(first.replaced_id);
  EXPECT_TRUE(first.replaced_ids.empty());
  EXPECT_EQ(enrolled(enrollment("web2")), "002");
  EXPECT_EQ(enrolled(enrollment("web3", kNow, "10.0.0.3")), "003");

  auto found = value_or_fail(store().find_legacy_key("001"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "web1");
  EXPECT_EQ(found->key, first.key.key);
  EXPECT_EQ(found->registered_at, kNow);
  EXPECT_FALSE(value_or_fail(store().find_legacy_key("004")));
  auto all = value_or_fail(store().list_legacy_keys());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "001");
  EXPECT_EQ(all[2].id, "003");
  EXPECT_EQ(all[2].ip, "10.0.0.3");
}

TEST_P(LegacyKeys, TheAgentRowIsAnOrdinaryAgentOfType4x) {
  ASSERT_TRUE(store().create_group("linux").ok());
  ASSERT_TRUE(store().create_group("web").ok());
  auto request = enrollment("db1");
  request.groups = {"web", "linux", "web"};  // a repeat counts once
  const auto id = enrolled(request);
  auto agent = value_or_fail(store().find_agent(id));
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->name, "db1");
  EXPECT_EQ(agent->type, "wazuh-4.x");
  EXPECT_EQ(agent->version, "v4.12.0");
  EXPECT_EQ(agent->key_hash, "");  // never authenticates on the comms API
  EXPECT_EQ(agent->ip, "");        // "any": GET /agents shows it as "any"
  EXPECT_EQ(agent->groups, (std::vector<std::string>{"web", "linux"}));
  EXPECT_EQ(agent->connection_status, "never_connected");
  EXPECT_EQ(agent->date_add, kNow);
  EXPECT_EQ(agent->node_name, "node01");
  EXPECT_EQ(agent->labels_json, "{}");
  EXPECT_EQ(agent->config_sum, "");

  const auto bound = enrolled(enrollment("db2", kNow, "192.168.1.7"));
  EXPECT_EQ(value_or_fail(store().find_agent(bound))->ip, "192.168.1.7");

  AgentQuery query;
  auto page = value_or_fail(store().query_agents(query));
  EXPECT_EQ(page.total, 2);
  auto members = value_or_fail(store().group_members("linux"));
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].id, id);
  EXPECT_EQ(members[0].groups, (std::vector<std::string>{"web", "linux"}));
  auto targets = value_or_fail(store().resolve_agents({id, bound}));
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_TRUE(targets[1].groups.empty());
}

TEST_P(LegacyKeys, AMissingGroupIsNotFoundNamingItAndWritesNothing) {
  ASSERT_TRUE(store().create_group("linux").ok());
  auto request = enrollment("db1");
  request.groups = {"linux", "nosuch"};
  auto outcome = store().enroll_legacy_agent(request);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, core::ErrorKind::not_found);
  EXPECT_NE(outcome.error().message.find("nosuch"), std::string::npos) << outcome.error().message;
  EXPECT_TRUE(value_or_fail(store().list_legacy_keys()).empty());
  EXPECT_EQ(value_or_fail(store().query_agents(AgentQuery{})).total, 0);
  EXPECT_EQ(enrolled(enrollment("db1")), "001");  // no id was spent
}

TEST_P(LegacyKeys, ADuplicateNameIsRefusedAndSpendsNoId) {
  EXPECT_EQ(enrolled(enrollment("web")), "001");
  auto again = enroll(enrollment("web", kNow + 10));
  EXPECT_EQ(again.kind, Kind::duplicate_name);
  EXPECT_FALSE(again.replaced_id);
  EXPECT_EQ(value_or_fail(store().list_legacy_keys()).size(), 1u);
  EXPECT_EQ(enrolled(enrollment("other")), "002");
}

TEST_P(LegacyKeys, TheNameOfAnAgentWithoutAKeyIsRefusedWhateverThePolicy) {
  auto agent = samples::make_agent(1, kNow - 100 * kHour);
  ASSERT_TRUE(store().create_agent(agent).ok());
  auto request = enrollment(agent.name, kNow);
  request.replacement.disconnected_time_enabled = false;
  request.replacement.after_registration_time_ms = 0;
  request.replacement.key_mismatch = false;
  EXPECT_EQ(enroll(request).kind, Kind::duplicate_name);
  EXPECT_TRUE(agent_exists(agent.id));
}

TEST_P(LegacyKeys, ADuplicateIpIsRefusedButAnyIsShared) {
  EXPECT_EQ(enrolled(enrollment("a", kNow, "10.0.0.5")), "001");
  auto same_ip = enroll(enrollment("b", kNow + 10, "10.0.0.5"));
  EXPECT_EQ(same_ip.kind, Kind::duplicate_ip);
  EXPECT_EQ(enrolled(enrollment("c", kNow, "10.0.0.6")), "002");
  EXPECT_EQ(enrolled(enrollment("d")), "003");
  EXPECT_EQ(enrolled(enrollment("e")), "004");
  // An agent without a key holding the address is no 4.x key: no collision.
  auto agent = samples::make_agent(7);
  agent.ip = "10.0.0.7";
  ASSERT_TRUE(store().create_agent(agent).ok());
  EXPECT_EQ(enrolled(enrollment("f", kNow, "10.0.0.7")), "005");
}

TEST_P(LegacyKeys, ANeverConnectedAgentIsReplacedOnceRegisteredLongEnough) {
  ASSERT_TRUE(store().create_group("linux").ok());
  auto first = enrollment("web");
  first.groups = {"linux"};
  EXPECT_EQ(enrolled(first), "001");
  std::vector<core::Order> orders{samples::make_order(std::string("001"))};
  auto request_id = value_or_fail(store().append_orders(orders));

  EXPECT_EQ(enroll(enrollment("web", kNow + kHour - 1)).kind, Kind::duplicate_name);
  auto replaced = enroll(enrollment("web", kNow + kHour));
  ASSERT_EQ(replaced.kind, Kind::enrolled);
  EXPECT_EQ(replaced.key.id, "002");
  EXPECT_EQ(replaced.replaced_id, "001");
  EXPECT_EQ(replaced.replaced_ids, (std::vector<std::string>{"001"}));
  EXPECT_FALSE(value_or_fail(store().find_legacy_key("001")));
  EXPECT_FALSE(agent_exists("001"));
  EXPECT_TRUE(value_or_fail(store().group_members("linux")).empty());
  EXPECT_TRUE(value_or_fail(store().find_order({request_id, 1})).has_value());  // orders stay
  auto keys = value_or_fail(store().list_legacy_keys());
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].id, "002");
  EXPECT_EQ(keys[0].registered_at, kNow + kHour);
}

TEST_P(LegacyKeys, AnActiveAgentIsReplacedOnlyWithTheDisconnectedTimeTestOff) {
  EXPECT_EQ(enrolled(enrollment("web")), "001");
  set_status("001", "active", kNow + 10);
  EXPECT_EQ(enroll(enrollment("web", kNow + 100 * kHour)).kind, Kind::duplicate_name);
  set_status("001", "pending", kNow + 20);
  EXPECT_EQ(enroll(enrollment("web", kNow + 100 * kHour)).kind, Kind::duplicate_name);
  auto request = enrollment("web", kNow + 100 * kHour);
  request.replacement.disconnected_time_enabled = false;
  auto replaced = enroll(request);
  EXPECT_EQ(replaced.kind, Kind::enrolled);
  EXPECT_EQ(replaced.replaced_id, "001");
}

TEST_P(LegacyKeys, ADisconnectedAgentIsReplacedOnceDisconnectedLongEnough) {
  EXPECT_EQ(enrolled(enrollment("web")), "001");
  set_status("001", "active", kNow + 10);
  const std::int64_t gone = kNow + 2 * kHour;
  set_status("001", "disconnected", gone);
  EXPECT_EQ(enroll(enrollment("web", gone + kHour - 1)).kind, Kind::duplicate_name);
  auto shorter = enrollment("web", gone + 60);
  shorter.replacement.disconnected_time_ms = 60'000;
  EXPECT_EQ(enroll(shorter).replaced_id, "001");
}

TEST_P(LegacyKeys, AnAgentRegisteredTooRecentlyIsKeptWhateverItsConnection) {
  EXPECT_EQ(enrolled(enrollment("web")), "001");
  set_status("001", "active", kNow + 1);
  set_status("001", "disconnected", kNow + 2);
  auto request = enrollment("web", kNow + 3 * kHour);
  request.replacement.disconnected_time_ms = 0;
  request.replacement.after_registration_time_ms = 4 * kHour * 1000;
  EXPECT_EQ(enroll(request).kind, Kind::duplicate_name);
  request.now = kNow + 4 * kHour;
  EXPECT_EQ(enroll(request).replaced_id, "001");
}

TEST_P(LegacyKeys, KeyMismatchRefusesOnlyAnAgentHoldingTheSameKey) {
  auto first = enroll(enrollment("web"));
  ASSERT_EQ(first.kind, Kind::enrolled);
  const auto held = legacy_key_hash(first.key.id, first.key.name, first.key.key);
  const std::int64_t later = kNow + 2 * kHour;

  auto same = enrollment("web", later);
  same.key_hash = held;
  EXPECT_EQ(enroll(same).kind, Kind::duplicate_name);  // it should just connect with its key
  auto without_mismatch = same;
  without_mismatch.replacement.key_mismatch = false;
  auto replaced = enroll(without_mismatch);
  ASSERT_EQ(replaced.kind, Kind::enrolled);
  EXPECT_EQ(replaced.replaced_id, "001");

  // The new entry (002): a K of another key, or no K at all, replaces it.
  const std::int64_t much_later = later + 2 * kHour;
  auto different = enrollment("web", much_later);
  different.key_hash = legacy_key_hash("002", "web", make_key(12345));
  auto by_different = enroll(different);
  EXPECT_EQ(by_different.kind, Kind::enrolled);
  EXPECT_EQ(by_different.replaced_id, "002");
  auto absent = enrollment("web", much_later + 2 * kHour);
  ASSERT_FALSE(absent.key_hash);
  auto by_absent = enroll(absent);
  EXPECT_EQ(by_absent.kind, Kind::enrolled);
  EXPECT_EQ(by_absent.replaced_id, "003");
  EXPECT_EQ(by_absent.key.id, "004");
}

TEST_P(LegacyKeys, ReplacementDisabledRefusesEveryDuplicate) {
  EXPECT_EQ(enrolled(enrollment("web", kNow, "10.0.0.1")), "001");
  auto by_name = enrollment("web", kNow + 100 * kHour);
  by_name.replacement.enabled = false;
  EXPECT_EQ(enroll(by_name).kind, Kind::duplicate_name);
  auto by_ip = enrollment("other", kNow + 100 * kHour, "10.0.0.1");
  by_ip.replacement.enabled = false;
  EXPECT_EQ(enroll(by_ip).kind, Kind::duplicate_ip);
}

TEST_P(LegacyKeys, TheIpIsCheckedBeforeTheNameAndBothMatchesAreReplaced) {
  EXPECT_EQ(enrolled(enrollment("a", kNow, "10.0.0.1")), "001");
  EXPECT_EQ(enrolled(enrollment("b")), "002");
  // Both old enough: the new "b" on 10.0.0.1 replaces the IP's agent, then the name's.
  auto replaced = enroll(enrollment("b", kNow + 2 * kHour, "10.0.0.1"));
  ASSERT_EQ(replaced.kind, Kind::enrolled);
  EXPECT_EQ(replaced.key.id, "003");
  EXPECT_EQ(replaced.replaced_id, "001");
  EXPECT_EQ(replaced.replaced_ids, (std::vector<std::string>{"001", "002"}));
  EXPECT_FALSE(agent_exists("001"));
  EXPECT_FALSE(agent_exists("002"));

  // A refused name leaves the replaceable IP agent (003, registered an hour before) alone: all
  // or nothing.
  const std::int64_t later = kNow + 3 * kHour;
  EXPECT_EQ(enrolled(enrollment("young", later)), "004");
  auto refused = enroll(enrollment("young", later + 10, "10.0.0.1"));
  EXPECT_EQ(refused.kind, Kind::duplicate_name);
  EXPECT_TRUE(agent_exists("003"));
  EXPECT_EQ(value_or_fail(store().legacy_keys_for_ip("10.0.0.1")).size(), 1u);
  // Both refuse: the IP, checked first, is the reason given.
  EXPECT_EQ(enrolled(enrollment("fresh", later + 20, "10.0.0.9")), "005");
  EXPECT_EQ(enroll(enrollment("young", later + 30, "10.0.0.9")).kind, Kind::duplicate_ip);
}

TEST_P(LegacyKeys, IdsAreNeverReusedAfterReplacementsOrARestart) {
  EXPECT_EQ(enrolled(enrollment("a")), "001");
  EXPECT_EQ(enrolled(enrollment("b")), "002");
  EXPECT_EQ(enroll(enrollment("b", kNow + 2 * kHour)).key.id, "003");  // replaces 002
  EXPECT_EQ(enroll(enrollment("b", kNow + 4 * kHour)).key.id, "004");  // replaces 003, the largest
  reopen();
  EXPECT_EQ(enroll(enrollment("b", kNow + 6 * kHour)).key.id, "005");
  auto keys = value_or_fail(store().list_legacy_keys());
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].id, "001");
  EXPECT_EQ(keys[1].id, "005");
}

TEST_P(LegacyKeys, TheThousandthIdIs1000AndConcurrentEnrollmentsGetDistinctIds) {
  constexpr int kThreads = 8, kTotal = 999;
  std::atomic<int> next{0}, failures{0};
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = next++; n < kTotal; n = next++) {
        auto outcome = store().enroll_legacy_agent(enrollment("agent-" + std::to_string(n)));
        if (!outcome || outcome->kind != Kind::enrolled) {
          ++failures;
          continue;
        }
        ids[t].push_back(outcome->key.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  std::set<std::string> unique;
  for (const auto& batch : ids) unique.insert(batch.begin(), batch.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kTotal));
  EXPECT_EQ(*unique.begin(), "001");
  EXPECT_EQ(*unique.rbegin(), "999");
  EXPECT_EQ(enrolled(enrollment("agent-1000")), "1000");
  EXPECT_EQ(enrolled(enrollment("agent-1001")), "1001");
  auto keys = value_or_fail(store().list_legacy_keys());
  ASSERT_EQ(keys.size(), 1001u);
  EXPECT_EQ(keys[998].id, "999");
  EXPECT_EQ(keys[999].id, "1000");
}

TEST_P(LegacyKeys, KeysForAnIpMatchOnlyThatExactAddress) {
  enrolled(enrollment("a", kNow, "10.0.0.1"));
  enrolled(enrollment("b", kNow, "10.0.0.10"));
  enrolled(enrollment("c"));
  enrolled(enrollment("d", kNow, "10.0.0.0/24"));
  auto keys = value_or_fail(store().legacy_keys_for_ip("10.0.0.1"));
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].name, "a");
  EXPECT_EQ(keys[0].id, "001");
  EXPECT_TRUE(value_or_fail(store().legacy_keys_for_ip("10.0.0.2")).empty());
  EXPECT_TRUE(value_or_fail(store().legacy_keys_for_ip("any")).empty());
  EXPECT_TRUE(value_or_fail(store().legacy_keys_for_ip("10.0.0.0/24")).empty());
}

TEST_P(LegacyKeys, SetAgentGroupsReplacesThemInOrderAtomically) {
  for (const char* group : {"a", "b", "c"}) ASSERT_TRUE(store().create_group(group).ok());
  auto request = enrollment("web");
  request.groups = {"a", "b"};
  const auto id = enrolled(request);

  ASSERT_TRUE(store().set_agent_groups(id, {"c", "a"}).ok());
  EXPECT_EQ(value_or_fail(store().find_agent(id))->groups, (std::vector<std::string>{"c", "a"}));
  EXPECT_TRUE(value_or_fail(store().group_members("b")).empty());

  auto missing_group = store().set_agent_groups(id, {"b", "nosuch"});
  ASSERT_FALSE(missing_group.ok());
  EXPECT_EQ(missing_group.error().kind, core::ErrorKind::not_found);
  EXPECT_NE(missing_group.error().message.find("nosuch"), std::string::npos);
  EXPECT_EQ(value_or_fail(store().find_agent(id))->groups, (std::vector<std::string>{"c", "a"}));

  auto missing_agent = store().set_agent_groups("777", {"a"});
  ASSERT_FALSE(missing_agent.ok());
  EXPECT_EQ(missing_agent.error().kind, core::ErrorKind::not_found);
  EXPECT_NE(missing_agent.error().message.find("777"), std::string::npos);

  ASSERT_TRUE(store().set_agent_groups(id, {}).ok());
  EXPECT_TRUE(value_or_fail(store().find_agent(id))->groups.empty());
  // Any agent, not only 4.x ones; a later assign appends after them.
  ASSERT_TRUE(store().create_agent(samples::make_agent(1)).ok());
  ASSERT_TRUE(store().set_agent_groups(samples::uuid(1), {"b", "a"}).ok());
  ASSERT_TRUE(store().assign_group(samples::uuid(1), "c").ok());
  EXPECT_EQ(value_or_fail(store().find_agent(samples::uuid(1)))->groups, (std::vector<std::string>{"b", "a", "c"}));
}

TEST_P(LegacyKeys, MetadataStoresTheKeepAliveFieldsOnlyWhenGiven) {
  const auto id = enrolled(enrollment("web"));
  AgentMetadata metadata;
  metadata.agent_id = id;
  metadata.config_sum = "ab12";
  metadata.merged_sum = "cd34";
  metadata.os_uname = "Linux |web |6.1.0 |#1 SMP |x86_64 [Debian GNU/Linux|debian: 12] - Wazuh v4.12.0";
  metadata.labels_json = R"({"env":"prod"})";
  ASSERT_TRUE(store().update_agent_metadata(metadata).ok());
  auto agent = value_or_fail(store().find_agent(id));
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->config_sum, "ab12");
  EXPECT_EQ(agent->merged_sum, "cd34");
  EXPECT_EQ(agent->os_uname, *metadata.os_uname);
  EXPECT_EQ(agent->labels_json, R"({"env":"prod"})");
  EXPECT_EQ(agent->version, "v4.12.0");

  AgentMetadata partial;
  partial.agent_id = id;
  partial.merged_sum = "ef56";
  ASSERT_TRUE(store().update_agent_metadata(partial).ok());
  agent = value_or_fail(store().find_agent(id));
  EXPECT_EQ(agent->config_sum, "ab12");
  EXPECT_EQ(agent->merged_sum, "ef56");
  EXPECT_EQ(agent->labels_json, R"({"env":"prod"})");
  // Listings read them too.
  auto page = value_or_fail(store().query_agents(AgentQuery{}));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].merged_sum, "ef56");
  EXPECT_EQ(page.items[0].os_uname, *metadata.os_uname);
}

}  // namespace
}  // namespace herald::store::testing
