// The Store contract for agent queries and liveness (store.h: query_agents, agent_status_summary,
// record_keepalives, apply_status_changes, connected_agents, update_agent_metadata). Runs on
// every backend the StoreContract suite is instantiated for.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "unit/store_test_fixture.h"

namespace herald::store::testing {
namespace {

constexpr std::int64_t kT0 = 1'743'156'930;

std::string agent_uuid(int n) {
  char buffer[37];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", n);
  return buffer;
}

AgentRecord enrolled(int n, std::string name, std::int64_t date_add = kT0) {
  AgentRecord agent;
  agent.id = agent_uuid(n);
  agent.name = std::move(name);
  agent.key_hash = "hash";
  agent.type = "Endpoint";
  agent.version = "6.0.0";
  agent.ip = "10.0.0." + std::to_string(n);
  agent.os_name = "Ubuntu";
  agent.os_version = "24.04";
  agent.os_platform = n % 2 == 0 ? "Linux" : "Windows";
  agent.os_arch = "x86_64";
  agent.date_add = date_add + n;
  agent.node_name = "node01";
  return agent;
}

template <class T>
T ok(core::Result<T> result) {
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? std::move(result).value() : T{};
}

std::vector<std::string> names(const Page<AgentRecord>& page) {
  std::vector<std::string> out;
  for (const auto& agent : page.items) out.push_back(agent.name);
  return out;
}

StatusChange change(int n, std::string status, int code, std::int64_t at) {
  StatusChange c;
  c.agent_id = agent_uuid(n);
  c.status = std::move(status);
  c.status_code = code;
  c.reason = "test";
  c.at = at;
  return c;
}

// web1..web6; web1-2 active, web3 pending, web4 disconnected, web5-6 never connected.
void seed_fleet(Store& store) {
  for (int n = 1; n <= 6; ++n) ASSERT_TRUE(store.create_agent(enrolled(n, "web" + std::to_string(n))).ok());
  ASSERT_TRUE(store.create_group("linux").ok());
  ASSERT_TRUE(store.assign_group(agent_uuid(2), "linux").ok());
  ASSERT_TRUE(store.assign_group(agent_uuid(4), "linux").ok());
  auto applied = ok(store.apply_status_changes({change(1, "active", 0, kT0 + 100), change(2, "active", 0, kT0 + 50),
                                                change(3, "pending", 4, kT0 + 60),
                                                change(4, "disconnected", 4, kT0 + 70)}));
  for (const auto& outcome : applied) EXPECT_TRUE(outcome.applied);
}

TEST_P(StoreContract, AgentsFiltersByStatusGroupAndName) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentQuery query;
  query.statuses = {"active", "pending"};
  EXPECT_EQ(names(ok(store().query_agents(query))), (std::vector<std::string>{"web1", "web2", "web3"}));

  AgentQuery by_group;
  by_group.conditions.push_back({core::AgentField::group, core::FilterOp::equal, "linux", 0});
  EXPECT_EQ(names(ok(store().query_agents(by_group))), (std::vector<std::string>{"web2", "web4"}));

  AgentQuery by_ids;
  by_ids.ids = {agent_uuid(6), agent_uuid(5), "00000000-0000-4000-8000-999999999999"};
  auto page = ok(store().query_agents(by_ids));
  EXPECT_EQ(page.total, 2);
}

TEST_P(StoreContract, AgentsQExpressionsSortAndPaging) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentQuery query;
  query.q = ok(core::parse_agent_filter("os.platform=Linux;(status=active,status=disconnected)"));
  query.sort = ok(core::parse_agent_sort("-name"));
  EXPECT_EQ(names(ok(store().query_agents(query))), (std::vector<std::string>{"web4", "web2"}));

  AgentQuery contains;
  contains.q = ok(core::parse_agent_filter("name~EB5,group!=linux;status_code=4"));
  auto page = ok(store().query_agents(contains));
  EXPECT_EQ(names(page), (std::vector<std::string>{"web3", "web5"}));

  AgentQuery paged;
  paged.sort = ok(core::parse_agent_sort("+name"));
  paged.offset = 2;
  paged.limit = 2;
  page = ok(store().query_agents(paged));
  EXPECT_EQ(page.total, 6);
  EXPECT_EQ(names(page), (std::vector<std::string>{"web3", "web4"}));
}

TEST_P(StoreContract, AgentsValuesAreBoundNotSpliced) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentQuery query;
  query.q = ok(core::parse_agent_filter("name=x' OR '1'='1"));
  EXPECT_EQ(ok(store().query_agents(query)).total, 0);
  AgentQuery like;
  like.search = "%";  // a LIKE wildcard is matched literally
  EXPECT_EQ(ok(store().query_agents(like)).total, 0);
}

TEST_P(StoreContract, AgentsOlderThanUsesLastKeepAliveOrDateAdd) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentQuery query;
  // web1 kept alive at T0+100 and web2 at T0+50; the others never sent one and count by date_add.
  query.older_than_cutoff = kT0 + 65;
  query.sort = ok(core::parse_agent_sort("name"));
  EXPECT_EQ(names(ok(store().query_agents(query))), (std::vector<std::string>{"web2", "web3", "web4", "web5", "web6"}));
}

TEST_P(StoreContract, AgentsSearchAndNegatedSearch) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentQuery query;
  query.search = "10.0.0.3";
  EXPECT_EQ(names(ok(store().query_agents(query))), (std::vector<std::string>{"web3"}));
  query.search_negated = true;
  EXPECT_EQ(ok(store().query_agents(query)).total, 5);
}

TEST_P(StoreContract, AgentsSummaryCountsEveryState) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  auto summary = ok(store().agent_status_summary());
  EXPECT_EQ(summary.active, 2);
  EXPECT_EQ(summary.pending, 1);
  EXPECT_EQ(summary.disconnected, 1);
  EXPECT_EQ(summary.never_connected, 2);
  EXPECT_EQ(summary.synced + summary.not_synced, 6);
}

TEST_P(StoreContract, AgentsStatusChangesSetTheSpecFields) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  auto agent = *ok(store().find_agent(agent_uuid(4)));
  EXPECT_EQ(agent.connection_status, "disconnected");
  EXPECT_EQ(agent.status_code, 4);
  EXPECT_EQ(agent.status_reason, "test");
  EXPECT_EQ(agent.disconnection_time, kT0 + 70);
  auto active = *ok(store().find_agent(agent_uuid(1)));
  EXPECT_EQ(active.last_keepalive, kT0 + 100);
  EXPECT_EQ(active.disconnection_time, 0);

  // Reconnecting clears disconnection_time; a keep-alive never moves backwards.
  auto back = change(4, "active", 0, kT0 + 80);
  back.node_name = "node02";
  EXPECT_TRUE(ok(store().apply_status_changes({back}))[0].applied);
  agent = *ok(store().find_agent(agent_uuid(4)));
  EXPECT_EQ(agent.disconnection_time, 0);
  EXPECT_EQ(agent.node_name, "node02");
  ASSERT_TRUE(store().record_keepalives({{agent_uuid(4), kT0 + 75, "node03"}}).ok());
  EXPECT_EQ(ok(store().find_agent(agent_uuid(4)))->last_keepalive, kT0 + 80);
}

TEST_P(StoreContract, AgentsConditionalChangesAreSkippedAndSayWhatWasStored) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  // Another node saw web1 at T0+100: a silence decision based on an older keep-alive is refused.
  auto stale = change(1, "pending", 4, kT0 + 200);
  stale.silent_before = kT0 + 90;
  auto fresh = change(2, "pending", 4, kT0 + 200);
  fresh.silent_before = kT0 + 90;
  auto wrong_state = change(4, "pending", 4, kT0 + 200);
  wrong_state.only_from = {"active"};
  auto unknown = change(99, "active", 0, kT0);
  auto outcomes = ok(store().apply_status_changes({stale, fresh, wrong_state, unknown}));
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_FALSE(outcomes[0].applied);
  EXPECT_EQ(outcomes[0].previous_status, "active");
  EXPECT_TRUE(outcomes[1].applied);
  EXPECT_EQ(outcomes[1].previous_status, "active");
  EXPECT_FALSE(outcomes[2].applied);
  EXPECT_EQ(outcomes[2].previous_status, "disconnected");
  EXPECT_FALSE(outcomes[3].applied);
  EXPECT_EQ(outcomes[3].previous_status, "");
  EXPECT_EQ(ok(store().find_agent(agent_uuid(1)))->connection_status, "active");
}

TEST_P(StoreContract, AgentsConnectedAgentsAreActiveOrPending) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  auto connected = ok(store().connected_agents());
  std::vector<std::string> ids;
  for (const auto& agent : connected) ids.push_back(agent.id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{agent_uuid(1), agent_uuid(2), agent_uuid(3)}));
}

TEST_P(StoreContract, AgentsKeepalivesSkipUnknownAgents) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  ASSERT_TRUE(store().record_keepalives({{agent_uuid(5), kT0 + 500, "node09"}, {agent_uuid(77), kT0, "x"}}).ok());
  auto agent = *ok(store().find_agent(agent_uuid(5)));
  EXPECT_EQ(agent.last_keepalive, kT0 + 500);
  EXPECT_EQ(agent.node_name, "node09");
  EXPECT_EQ(agent.connection_status, "never_connected");  // keep-alives alone never change status
}

TEST_P(StoreContract, AgentsMetadataUpdatesTheRowAndGroupSync) {
  ASSERT_NO_FATAL_FAILURE(seed_fleet(store()));
  AgentMetadata metadata;
  metadata.agent_id = agent_uuid(2);
  metadata.version = "6.1.0";
  metadata.ip = "192.168.1.2";
  metadata.os_name = "Debian";
  metadata.groups = std::vector<std::string>{"linux"};
  ASSERT_TRUE(store().update_agent_metadata(metadata).ok());
  auto agent = *ok(store().find_agent(agent_uuid(2)));
  EXPECT_EQ(agent.version, "6.1.0");
  EXPECT_EQ(agent.ip, "192.168.1.2");
  EXPECT_EQ(agent.os_name, "Debian");
  EXPECT_EQ(agent.os_version, "24.04");  // empty fields leave the stored value alone
  EXPECT_EQ(agent.reported_groups, (std::vector<std::string>{"linux"}));
  EXPECT_EQ(agent.group_config_status, "synced");

  // Assigned another group: the agent has not applied it yet.
  ASSERT_TRUE(store().create_group("web").ok());
  ASSERT_TRUE(store().assign_group(agent_uuid(2), "web").ok());
  EXPECT_EQ(ok(store().find_agent(agent_uuid(2)))->group_config_status, "not synced");
  metadata.groups = std::vector<std::string>{"linux", "web"};
  ASSERT_TRUE(store().update_agent_metadata(metadata).ok());
  EXPECT_EQ(ok(store().find_agent(agent_uuid(2)))->group_config_status, "synced");

  metadata.agent_id = agent_uuid(88);
  auto missing = store().update_agent_metadata(metadata);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
}

}  // namespace
}  // namespace herald::store::testing
