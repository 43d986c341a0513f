// The Store contract (store/store.h): orders, agents, groups, users, durability, concurrency.
// The tests speak only the Store interface; store_backends_test.cpp runs them on every backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include "unit/store_test_fixture.h"

namespace herald::store::testing {
namespace {

using core::ErrorKind;
using core::Order;
using core::OrderKey;
using core::OrderStatus;

using samples::kNow;
using samples::make_agent;
using samples::make_order;
using samples::uuid;

void expect_same_order(const Order& actual, const Order& expected) {
  EXPECT_EQ(actual.key, expected.key);
  EXPECT_EQ(actual.command.source, expected.command.source);
  EXPECT_EQ(actual.command.user, expected.command.user);
  EXPECT_EQ(actual.command.target.type, expected.command.target.type);
  EXPECT_EQ(actual.command.target.id, expected.command.target.id);
  EXPECT_EQ(actual.command.action.name, expected.command.action.name);
  EXPECT_EQ(actual.command.action.args_json, expected.command.action.args_json);
  EXPECT_EQ(actual.command.action.version, expected.command.action.version);
  EXPECT_EQ(actual.command.timeout_seconds, expected.command.timeout_seconds);
  EXPECT_EQ(actual.agent_id, expected.agent_id);
  EXPECT_EQ(actual.agent_groups, expected.agent_groups);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.deadline, expected.deadline);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
  EXPECT_EQ(actual.result.has_value(), expected.result.has_value());
}

// Returns a copy: the Result is usually a temporary (and range-for would not extend its life).
template <class T>
T ok(const core::Result<T>& result) {
  if (!result) {
    ADD_FAILURE() << "unexpected error: " << result.error().message;
    return T{};
  }
  return result.value();
}

#define ASSERT_OK(expr)                                                    \
  do {                                                                     \
    auto status_ = (expr);                                                 \
    ASSERT_TRUE(status_.ok()) << #expr << ": " << status_.error().message; \
  } while (0)

#define EXPECT_ERROR_KIND(expr, expected_kind)                                 \
  do {                                                                         \
    auto status_ = (expr);                                                     \
    ASSERT_FALSE(status_.ok()) << #expr << " succeeded";                       \
    EXPECT_EQ(status_.error().kind, expected_kind) << status_.error().message; \
  } while (0)

std::vector<OrderKey> keys_of(const std::vector<Order>& orders) {
  std::vector<OrderKey> keys;
  for (const auto& order : orders) keys.push_back(order.key);
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Agents

TEST_P(StoreContract, CreateAndFindAgent) {
  auto agent = make_agent(1);
  ASSERT_OK(store().create_agent(agent));
  auto found = ok(store().find_agent(agent.id));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, agent.id);
  EXPECT_EQ(found->name, agent.name);
  EXPECT_EQ(found->key_hash, agent.key_hash);
  EXPECT_EQ(found->type, agent.type);
  EXPECT_EQ(found->version, agent.version);
  EXPECT_EQ(found->host_json, agent.host_json);
  EXPECT_EQ(found->ip, agent.ip);
  EXPECT_EQ(found->os_name, agent.os_name);
  EXPECT_EQ(found->os_version, agent.os_version);
  EXPECT_EQ(found->os_platform, agent.os_platform);
  EXPECT_EQ(found->os_arch, agent.os_arch);
  EXPECT_TRUE(found->groups.empty());
  EXPECT_EQ(found->connection_status, "never_connected");
  EXPECT_EQ(found->date_add, agent.date_add);
  EXPECT_EQ(found->last_keepalive, std::nullopt);
  EXPECT_EQ(found->node_name, "node01");
  EXPECT_EQ(ok(store().find_agent(uuid(2))), std::nullopt);
}

TEST_P(StoreContract, DuplicateAgentIsConflict) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  auto again = make_agent(1);
  again.name = "other";
  EXPECT_ERROR_KIND(store().create_agent(again), ErrorKind::conflict);
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->name, "agent1");
}

TEST_P(StoreContract, ListAgentsPagesAndCounts) {
  EXPECT_EQ(ok(store().list_agents(0, 10)).total, 0);
  for (int i = 25; i >= 1; --i) ASSERT_OK(store().create_agent(make_agent(i, kNow + i)));
  auto first = ok(store().list_agents(0, 10));
  EXPECT_EQ(first.total, 25);
  ASSERT_EQ(first.items.size(), 10u);
  EXPECT_EQ(first.items.front().id, uuid(1));  // oldest first
  EXPECT_EQ(first.items.back().id, uuid(10));
  auto last = ok(store().list_agents(20, 10));
  EXPECT_EQ(last.total, 25);
  ASSERT_EQ(last.items.size(), 5u);
  EXPECT_EQ(last.items.front().id, uuid(21));
  auto beyond = ok(store().list_agents(30, 10));
  EXPECT_EQ(beyond.total, 25);
  EXPECT_TRUE(beyond.items.empty());
  std::set<std::string> seen;
  for (int offset = 0; offset < 25; offset += 7) {
    for (const auto& agent : ok(store().list_agents(offset, 7)).items) seen.insert(agent.id);
  }
  EXPECT_EQ(seen.size(), 25u);
}

// ---------------------------------------------------------------------------------------------
// Groups and memberships

TEST_P(StoreContract, RulesetFilesArePutReplacedAndDeletedAndEachChangeBumpsTheVersion) {
  EXPECT_EQ(ok(store().ruleset_files_version()), 0);
  EXPECT_TRUE(ok(store().ruleset_files()).files.empty());
  EXPECT_EQ(ok(store().put_ruleset_file({"rules", "local.xml", "<group name=\"a\"></group>"})), 1);
  EXPECT_EQ(ok(store().put_ruleset_file({"lists", "bad-ips", "1.2.3.4:\n"})), 2);
  EXPECT_EQ(ok(store().put_ruleset_file({"rules", "local.xml", "<group name=\"b\"></group>"})), 3);
  auto files = ok(store().ruleset_files());
  EXPECT_EQ(files.version, 3);
  ASSERT_EQ(files.files.size(), 2u);
  EXPECT_EQ(files.files[0].kind, "lists");  // by kind, then name
  EXPECT_EQ(files.files[1].name, "local.xml");
  EXPECT_EQ(files.files[1].content, "<group name=\"b\"></group>");
  EXPECT_EQ(ok(store().delete_ruleset_file("rules", "local.xml")), 4);
  EXPECT_ERROR_KIND(store().delete_ruleset_file("rules", "local.xml"), ErrorKind::not_found);
  EXPECT_EQ(ok(store().ruleset_files_version()), 4);
  EXPECT_EQ(ok(store().ruleset_files()).files.size(), 1u);
}

TEST_P(StoreContract, CreateGroupAndDuplicate) {
  EXPECT_FALSE(ok(store().group_exists("linux")));
  ASSERT_OK(store().create_group("linux"));
  EXPECT_TRUE(ok(store().group_exists("linux")));
  EXPECT_ERROR_KIND(store().create_group("linux"), ErrorKind::conflict);
  ASSERT_OK(store().create_group("default"));
  auto groups = ok(store().list_groups());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "default");
  EXPECT_EQ(groups[1].name, "linux");
  EXPECT_EQ(groups[0].agent_count, 0);
  EXPECT_EQ(groups[0].configuration_sum, std::nullopt);
}

TEST_P(StoreContract, AssignKeepsPriorityOrderAndIsIdempotent) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  for (const char* g : {"g1", "g2", "g3"}) ASSERT_OK(store().create_group(g));
  ASSERT_OK(store().assign_group(uuid(1), "g3"));
  ASSERT_OK(store().assign_group(uuid(1), "g1"));
  ASSERT_OK(store().assign_group(uuid(1), "g2"));
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->groups, (std::vector<std::string>{"g3", "g1", "g2"}));
  ASSERT_OK(store().assign_group(uuid(1), "g1"));  // already a member: no change, no duplicate
  ASSERT_OK(store().assign_group(uuid(1), "g3"));
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->groups, (std::vector<std::string>{"g3", "g1", "g2"}));
  auto groups = ok(store().list_groups());
  for (const auto& group : groups) EXPECT_EQ(group.agent_count, 1) << group.name;
}

TEST_P(StoreContract, AssignMissingAgentOrGroupIsNotFound) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  ASSERT_OK(store().create_group("g1"));
  EXPECT_ERROR_KIND(store().assign_group(uuid(1), "nope"), ErrorKind::not_found);
  EXPECT_ERROR_KIND(store().assign_group(uuid(9), "g1"), ErrorKind::not_found);
  EXPECT_TRUE(ok(store().find_agent(uuid(1)))->groups.empty());
  EXPECT_TRUE(ok(store().group_members("g1")).empty());
}

TEST_P(StoreContract, UnassignRemovesOnlyThatGroup) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  for (const char* g : {"g1", "g2", "g3"}) {
    ASSERT_OK(store().create_group(g));
    ASSERT_OK(store().assign_group(uuid(1), g));
  }
  ASSERT_OK(store().unassign_group(uuid(1), "g2"));
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->groups, (std::vector<std::string>{"g1", "g3"}));
  ASSERT_OK(store().assign_group(uuid(1), "g2"));  // re-assigned: lowest priority now
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->groups, (std::vector<std::string>{"g1", "g3", "g2"}));
  ASSERT_OK(store().unassign_group(uuid(1), "g1"));
  ASSERT_OK(store().unassign_group(uuid(1), "g3"));
  ASSERT_OK(store().unassign_group(uuid(1), "g2"));
  EXPECT_TRUE(ok(store().find_agent(uuid(1)))->groups.empty());
}

TEST_P(StoreContract, UnassignWhenNotMemberIsNotFound) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  ASSERT_OK(store().create_group("g1"));
  EXPECT_ERROR_KIND(store().unassign_group(uuid(1), "g1"), ErrorKind::not_found);
  EXPECT_ERROR_KIND(store().unassign_group(uuid(1), "nope"), ErrorKind::not_found);
  EXPECT_ERROR_KIND(store().unassign_group(uuid(9), "g1"), ErrorKind::not_found);
}

TEST_P(StoreContract, DeleteGroupRemovesMemberships) {
  for (int i = 1; i <= 3; ++i) ASSERT_OK(store().create_agent(make_agent(i)));
  for (const char* g : {"a", "doomed", "z"}) ASSERT_OK(store().create_group(g));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK(store().assign_group(uuid(i), "a"));
    ASSERT_OK(store().assign_group(uuid(i), "doomed"));
    ASSERT_OK(store().assign_group(uuid(i), "z"));
  }
  ASSERT_OK(store().delete_group("doomed"));
  EXPECT_FALSE(ok(store().group_exists("doomed")));
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(ok(store().find_agent(uuid(i)))->groups, (std::vector<std::string>{"a", "z"})) << i;
  }
  EXPECT_TRUE(ok(store().group_members("doomed")).empty());
  EXPECT_EQ(ok(store().list_group_agents("doomed", 0, 10)).total, 0);
  EXPECT_EQ(ok(store().group_members("a")).size(), 3u);
  auto groups = ok(store().list_groups());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_ERROR_KIND(store().delete_group("doomed"), ErrorKind::not_found);
  EXPECT_ERROR_KIND(store().assign_group(uuid(1), "doomed"), ErrorKind::not_found);
  // A new group with the old name starts empty.
  ASSERT_OK(store().create_group("doomed"));
  EXPECT_TRUE(ok(store().group_members("doomed")).empty());
  EXPECT_EQ(ok(store().find_agent(uuid(1)))->groups, (std::vector<std::string>{"a", "z"}));
}

TEST_P(StoreContract, GroupMembersAndResolveAgents) {
  for (int i = 1; i <= 4; ++i) ASSERT_OK(store().create_agent(make_agent(i)));
  ASSERT_OK(store().create_group("web"));
  ASSERT_OK(store().create_group("db"));
  ASSERT_OK(store().assign_group(uuid(3), "web"));
  ASSERT_OK(store().assign_group(uuid(1), "db"));
  ASSERT_OK(store().assign_group(uuid(1), "web"));

  auto members = ok(store().group_members("web"));
  ASSERT_EQ(members.size(), 2u);
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  EXPECT_EQ(members[0].id, uuid(1));
  EXPECT_EQ(members[0].groups, (std::vector<std::string>{"db", "web"}));
  EXPECT_EQ(members[1].id, uuid(3));
  EXPECT_EQ(members[1].groups, (std::vector<std::string>{"web"}));
  EXPECT_TRUE(ok(store().group_members("nope")).empty());

  auto resolved = ok(store().resolve_agents({uuid(4), uuid(9), uuid(1), "not-a-uuid"}));
  ASSERT_EQ(resolved.size(), 2u);
  EXPECT_EQ(resolved[0].id, uuid(4));  // order of the ids asked for, unknown skipped
  EXPECT_TRUE(resolved[0].groups.empty());
  EXPECT_EQ(resolved[1].id, uuid(1));
  EXPECT_EQ(resolved[1].groups, (std::vector<std::string>{"db", "web"}));
  EXPECT_TRUE(ok(store().resolve_agents({})).empty());
}

TEST_P(StoreContract, ListGroupAgentsPages) {
  ASSERT_OK(store().create_group("g"));
  for (int i = 1; i <= 12; ++i) {
    ASSERT_OK(store().create_agent(make_agent(i, kNow + i)));
    if (i % 2 == 0) ASSERT_OK(store().assign_group(uuid(i), "g"));
  }
  auto page = ok(store().list_group_agents("g", 0, 4));
  EXPECT_EQ(page.total, 6);
  ASSERT_EQ(page.items.size(), 4u);
  EXPECT_EQ(page.items[0].id, uuid(2));
  auto rest = ok(store().list_group_agents("g", 4, 4));
  EXPECT_EQ(rest.total, 6);
  ASSERT_EQ(rest.items.size(), 2u);
  EXPECT_EQ(rest.items[1].id, uuid(12));
}

TEST_P(StoreContract, GroupConfiguration) {
  ASSERT_OK(store().create_group("g"));
  auto initial = store().group_configuration("g");
  ASSERT_TRUE(initial.ok());
  EXPECT_EQ(*initial, std::nullopt);
  EXPECT_ERROR_KIND(store().group_configuration("nope"), ErrorKind::not_found);
  EXPECT_ERROR_KIND(store().put_group_configuration("nope", "a: 1\n"), ErrorKind::not_found);

  ASSERT_OK(store().put_group_configuration("g", "agent:\n  enabled: true\n"));
  EXPECT_EQ(ok(store().group_configuration("g")), std::optional<std::string>("agent:\n  enabled: true\n"));
  auto sum1 = ok(store().list_groups()).at(0).configuration_sum;
  ASSERT_TRUE(sum1.has_value());
  EXPECT_EQ(sum1->size(), 64u);  // sha256, hex

  ASSERT_OK(store().put_group_configuration("g", ""));
  EXPECT_EQ(ok(store().group_configuration("g")), std::optional<std::string>(""));
  auto sum2 = ok(store().list_groups()).at(0).configuration_sum;
  ASSERT_TRUE(sum2.has_value());
  EXPECT_NE(*sum1, *sum2);
  EXPECT_EQ(*sum2, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");  // sha256("")
}

// ---------------------------------------------------------------------------------------------
// Users

TEST_P(StoreContract, Users) {
  EXPECT_EQ(ok(store().find_user("admin")), std::nullopt);
  ASSERT_OK(store().create_user({"admin", "$pbkdf2$hash", kNow}));
  auto found = ok(store().find_user("admin"));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "admin");
  EXPECT_EQ(found->password_hash, "$pbkdf2$hash");
  EXPECT_EQ(found->created_at, kNow);
  EXPECT_ERROR_KIND(store().create_user({"admin", "other", kNow}), ErrorKind::conflict);
  EXPECT_EQ(ok(store().find_user("admin"))->password_hash, "$pbkdf2$hash");
  EXPECT_EQ(ok(store().find_user("Admin")), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Orders

TEST_P(StoreContract, AppendAssignsRequestAndOrderIds) {
  std::vector<Order> first{make_order(uuid(1)), make_order(uuid(2)), make_order(std::nullopt)};
  auto r1 = store().append_orders(first);
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_GT(*r1, 0);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].key, (OrderKey{*r1, static_cast<std::int64_t>(i + 1)}));
  }
  std::vector<Order> second{make_order(uuid(3))};
  auto r2 = store().append_orders(second);
  ASSERT_TRUE(r2.ok());
  EXPECT_GT(*r2, *r1);
  EXPECT_EQ(second[0].key, (OrderKey{*r2, 1}));
  std::vector<Order> third{make_order(uuid(4)), make_order(uuid(5))};
  auto r3 = store().append_orders(third);
  ASSERT_TRUE(r3.ok());
  EXPECT_GT(*r3, *r2);
  EXPECT_EQ(third[1].key, (OrderKey{*r3, 2}));
  EXPECT_EQ(ok(store().list_orders({})).total, 6);
}

TEST_P(StoreContract, FindOrderReturnsWhatWasAppended) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(std::nullopt, kNow + 5, 3600, "update", "Content Manager")};
  orders[0].command.user.reset();
  orders[0].command.action.version.reset();
  orders[0].agent_groups = std::vector<std::string>{"z", "a", "m"};
  orders[1].command.action.args_json = R"({"index":"content-index","offset":"1111"})";
  ASSERT_TRUE(store().append_orders(orders).ok());

  for (const auto& expected : orders) {
    auto found = ok(store().find_order(expected.key));
    ASSERT_TRUE(found.has_value());
    expect_same_order(*found, expected);
    EXPECT_EQ(found->result, std::nullopt);
    EXPECT_EQ(found->agent_metadata_json, std::nullopt);
  }
  EXPECT_EQ(ok(store().find_order({orders[0].key.request_id, 3})), std::nullopt);
  EXPECT_EQ(ok(store().find_order({orders[0].key.request_id + 100, 1})), std::nullopt);
}

TEST_P(StoreContract, AppendOfTenThousandOrdersInOneRequest) {
  std::vector<Order> orders;
  for (int i = 0; i < 10'000; ++i) orders.push_back(make_order(uuid(i)));
  auto request = store().append_orders(orders);
  ASSERT_TRUE(request.ok()) << request.error().message;
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(orders[i].key, (OrderKey{*request, i + 1}));
  OrderQuery query;
  query.request_id = *request;
  query.limit = 1;
  EXPECT_EQ(ok(store().list_orders(query)).total, 10'000);
  auto last = ok(store().find_order({*request, 10'000}));
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->agent_id, uuid(9999));
  EXPECT_EQ(ok(store().count_orders_by_status()).at(OrderStatus::pending), 10'000);
}

TEST_P(StoreContract, AppendAfterCloseFailsAndStoresNothing) {
  std::vector<Order> before{make_order(uuid(1))};
  ASSERT_TRUE(store().append_orders(before).ok());
  store().close();
  store().close();  // idempotent
  std::vector<Order> after{make_order(uuid(2)), make_order(uuid(3))};
  auto request = store().append_orders(after);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().kind, ErrorKind::unavailable);
  EXPECT_ERROR_KIND(store().create_group("g"), ErrorKind::unavailable);
  reopen();
  EXPECT_EQ(ok(store().list_orders({})).total, 1);
  // TODO: all-or-nothing within one append (a failure on order k leaves no order of the request)
  // needs a fault-injection hook; the interface offers no way to make the k-th insert fail.
}

TEST_P(OrderListing, FiltersByEachField) {
  ASSERT_EQ(expired.size(), 2u);
  auto count = [&](OrderQuery query) { return ok(store().list_orders(query)).total; };
  OrderQuery q;
  EXPECT_EQ(count(q), 5);
  q = {};
  q.status = OrderStatus::failure;
  EXPECT_EQ(count(q), 2);
  q.status = OrderStatus::pending;
  EXPECT_EQ(count(q), 3);
  q.status = OrderStatus::success;
  EXPECT_EQ(count(q), 0);
  q = {};
  q.agent_id = uuid(1);
  EXPECT_EQ(count(q), 2);
  q.agent_id = uuid(2);
  EXPECT_EQ(count(q), 2);
  q.agent_id = uuid(7);
  EXPECT_EQ(count(q), 0);
  q = {};
  q.request_id = requests[0];
  EXPECT_EQ(count(q), 2);
  q.request_id = requests[2];
  auto server = ok(store().list_orders(q));
  ASSERT_EQ(server.items.size(), 1u);
  EXPECT_EQ(server.items[0].agent_id, std::nullopt);
  EXPECT_EQ(server.items[0].command.target.type, core::TargetType::server);
  q = {};
  q.action = "restart";
  EXPECT_EQ(count(q), 3);
  q.action = "set-group";
  EXPECT_EQ(count(q), 1);
  q = {};
  q.source = "CLI";
  EXPECT_EQ(count(q), 1);
  q = {};
  q.created_before = 300;  // strictly before
  EXPECT_EQ(count(q), 3);
  q.created_before = 100;
  EXPECT_EQ(count(q), 0);
  // Filters combine.
  q = {};
  q.agent_id = uuid(2);
  q.status = OrderStatus::pending;
  q.action = "restart";
  auto combined = ok(store().list_orders(q));
  ASSERT_EQ(combined.total, 1);
  EXPECT_EQ(combined.items[0].key, (OrderKey{requests[3], 1}));
}

TEST_P(OrderListing, PagesWithTotalAndSorts) {
  OrderQuery q;
  q.limit = 2;
  auto page1 = ok(store().list_orders(q));
  EXPECT_EQ(page1.total, 5);
  ASSERT_EQ(page1.items.size(), 2u);
  EXPECT_EQ(page1.items[0].key, (OrderKey{requests[0], 1}));
  EXPECT_EQ(page1.items[1].key, (OrderKey{requests[0], 2}));
  q.offset = 4;
  auto page3 = ok(store().list_orders(q));
  EXPECT_EQ(page3.total, 5);
  ASSERT_EQ(page3.items.size(), 1u);
  EXPECT_EQ(page3.items[0].key, (OrderKey{requests[3], 1}));
  q.offset = 10;
  EXPECT_TRUE(ok(store().list_orders(q)).items.empty());

  q = {};
  q.descending = true;
  auto desc = ok(store().list_orders(q));
  ASSERT_EQ(desc.items.size(), 5u);
  EXPECT_EQ(desc.items.front().key, (OrderKey{requests[3], 1}));
  EXPECT_EQ(desc.items.back().key, (OrderKey{requests[0], 1}));

  q = {};
  q.sort = OrderQuery::SortField::deadline;  // deadlines: 200,200,250,1300,410
  auto by_deadline = ok(store().list_orders(q));
  std::vector<std::int64_t> deadlines;
  for (const auto& order : by_deadline.items) deadlines.push_back(order.deadline);
  EXPECT_EQ(deadlines, (std::vector<std::int64_t>{200, 200, 250, 410, 1300}));
  q.descending = true;
  deadlines.clear();
  for (const auto& order : ok(store().list_orders(q)).items) deadlines.push_back(order.deadline);
  EXPECT_EQ(deadlines, (std::vector<std::int64_t>{1300, 410, 250, 200, 200}));

  q = {};
  q.sort = OrderQuery::SortField::created_at;
  q.descending = true;
  q.limit = 1;
  EXPECT_EQ(ok(store().list_orders(q)).items.at(0).created_at, 400);
  q = {};
  q.sort = OrderQuery::SortField::updated_at;
  q.descending = true;
  auto by_update = ok(store().list_orders(q)).items;
  ASSERT_EQ(by_update.size(), 5u);
  EXPECT_EQ(by_update.front().updated_at, 400);
}

TEST_P(OrderListing, CountsByStatus) {
  auto counts = ok(store().count_orders_by_status());
  EXPECT_EQ(counts.size(), 4u);  // every status, zeros included
  EXPECT_EQ(counts.at(OrderStatus::pending), 3);
  EXPECT_EQ(counts.at(OrderStatus::sent), 0);
  EXPECT_EQ(counts.at(OrderStatus::success), 0);
  EXPECT_EQ(counts.at(OrderStatus::failure), 2);
}

TEST_P(StoreContract, CountsOnAnEmptyStore) {
  auto counts = ok(store().count_orders_by_status());
  EXPECT_EQ(counts.size(), 4u);
  for (const auto& [status, n] : counts) EXPECT_EQ(n, 0) << core::to_string(status);
  EXPECT_TRUE(ok(store().open_order_deadlines()).empty());
  EXPECT_TRUE(ok(store().expire_overdue_orders(kNow)).empty());
  EXPECT_EQ(ok(store().list_orders({})).total, 0);
}

TEST_P(StoreContract, ExpireOverdueOrdersFailsPendingAtOrPastDeadline) {
  std::vector<Order> orders{
      make_order(uuid(1), 1000, 10),      // deadline 1010 < now
      make_order(uuid(2), 1000, 20),      // deadline 1020 == now
      make_order(uuid(3), 1000, 21),      // deadline 1021 > now
      make_order(std::nullopt, 1000, 5),  // server order, overdue
  };
  ASSERT_TRUE(store().append_orders(orders).ok());

  auto expired = ok(store().expire_overdue_orders(1020));
  ASSERT_EQ(expired.size(), 3u);
  std::sort(expired.begin(), expired.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  EXPECT_EQ(expired[0].key, orders[0].key);
  EXPECT_EQ(expired[0].agent_id, uuid(1));
  EXPECT_EQ(expired[1].key, orders[1].key);
  EXPECT_EQ(expired[2].key, orders[3].key);
  EXPECT_EQ(expired[2].agent_id, std::nullopt);
  for (const auto& e : expired) EXPECT_EQ(e.previous, OrderStatus::pending);

  for (int i : {0, 1, 3}) {
    auto order = ok(store().find_order(orders[i].key));
    ASSERT_TRUE(order.has_value());
    EXPECT_EQ(order->status, OrderStatus::failure);
    ASSERT_TRUE(order->result.has_value());
    EXPECT_EQ(order->result->code, 3);
    EXPECT_EQ(order->result->message, core::kNotDeliveredMessage);
    EXPECT_EQ(order->updated_at, 1020);
  }
  auto untouched = ok(store().find_order(orders[2].key));
  EXPECT_EQ(untouched->status, OrderStatus::pending);
  EXPECT_EQ(untouched->result, std::nullopt);

  EXPECT_TRUE(ok(store().expire_overdue_orders(1020)).empty());  // nothing left to expire
  auto later = ok(store().expire_overdue_orders(5000));
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].key, orders[2].key);
  EXPECT_TRUE(ok(store().expire_overdue_orders(999999)).empty());
  // Expired failures keep their first result.
  EXPECT_EQ(ok(store().find_order(orders[0].key))->updated_at, 1020);
}

TEST_P(StoreContract, ExpireHasNoCapPerCall) {
  std::vector<Order> orders;
  for (int i = 0; i < 2500; ++i) orders.push_back(make_order(uuid(i), 1000, 1));
  ASSERT_TRUE(store().append_orders(orders).ok());
  EXPECT_EQ(ok(store().expire_overdue_orders(2000)).size(), 2500u);
  EXPECT_EQ(ok(store().count_orders_by_status()).at(OrderStatus::failure), 2500);
}

// The store has no "mark sent" API yet; append_orders stores the status it is given, which is the
// only way to seed sent/success orders today.
// TODO: once the store has a mark-sent / record-result API, seed these through it instead.
TEST_P(StoreContract, ExpireLeavesTerminalOrdersAndReportsSentAsNoResult) {
  std::vector<Order> orders{
      make_order(uuid(1), 1000, 10, "restart", "s", OrderStatus::sent),
      make_order(uuid(2), 1000, 10, "restart", "s", OrderStatus::success),
      make_order(uuid(3), 1000, 10, "restart", "s", OrderStatus::failure),
      make_order(uuid(4), 1000, 10, "restart", "s", OrderStatus::pending),
  };
  ASSERT_TRUE(store().append_orders(orders).ok());
  auto expired = ok(store().expire_overdue_orders(2000));
  ASSERT_EQ(expired.size(), 2u);
  std::sort(expired.begin(), expired.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  EXPECT_EQ(expired[0].key, orders[0].key);
  EXPECT_EQ(expired[0].previous, OrderStatus::sent);
  EXPECT_EQ(expired[1].key, orders[3].key);
  EXPECT_EQ(expired[1].previous, OrderStatus::pending);

  auto sent = ok(store().find_order(orders[0].key));
  EXPECT_EQ(sent->status, OrderStatus::failure);
  ASSERT_TRUE(sent->result.has_value());
  EXPECT_EQ(sent->result->code, 3);
  EXPECT_EQ(sent->result->message, core::kNoResultMessage);
  for (int i : {1, 2}) {
    auto order = ok(store().find_order(orders[i].key));
    EXPECT_EQ(order->status, orders[i].status);
    EXPECT_EQ(order->result, std::nullopt);
    EXPECT_EQ(order->updated_at, 1000);
  }
}

TEST_P(StoreContract, OpenOrderDeadlinesAreDistinctAndAscending) {
  std::vector<Order> orders{make_order(uuid(1), 500, 100), make_order(uuid(2), 100, 50), make_order(uuid(3), 500, 100),
                            make_order(uuid(4), 10, 5), make_order(uuid(5), 1000, 1)};
  ASSERT_TRUE(store().append_orders(orders).ok());
  EXPECT_EQ(ok(store().open_order_deadlines()), (std::vector<std::int64_t>{15, 150, 600, 1001}));
  ASSERT_EQ(ok(store().expire_overdue_orders(150)).size(), 2u);
  EXPECT_EQ(ok(store().open_order_deadlines()), (std::vector<std::int64_t>{600, 1001}));
}

TEST_P(StoreContract, TerminalOrdersBeforeAndDelete) {
  std::vector<Order> orders;
  for (int i = 0; i < 6; ++i) orders.push_back(make_order(uuid(i), 1000 + i, 10));
  ASSERT_TRUE(store().append_orders(orders).ok());
  // Expire them in three waves so updated_at differs: orders 0,1 at 1011; 2,3 at 1013; 4,5 at 1015.
  ASSERT_EQ(ok(store().expire_overdue_orders(1011)).size(), 2u);
  ASSERT_EQ(ok(store().expire_overdue_orders(1013)).size(), 2u);
  EXPECT_TRUE(ok(store().terminal_orders_before(1011, 100)).empty());  // strictly before
  auto old = ok(store().terminal_orders_before(1013, 100));
  EXPECT_EQ(keys_of(old), (std::vector<OrderKey>{orders[0].key, orders[1].key}));
  auto limited = ok(store().terminal_orders_before(2000, 3));
  ASSERT_EQ(limited.size(), 3u);
  EXPECT_EQ(limited[0].updated_at, 1011);  // oldest first
  EXPECT_EQ(limited[2].updated_at, 1013);
  for (const auto& order : limited) EXPECT_TRUE(core::is_terminal(order.status));
  // Pending orders are never returned.
  EXPECT_EQ(ok(store().terminal_orders_before(1'000'000, 100)).size(), 4u);

  ASSERT_OK(store().delete_orders(keys_of(old)));
  EXPECT_EQ(ok(store().find_order(orders[0].key)), std::nullopt);
  EXPECT_EQ(ok(store().find_order(orders[1].key)), std::nullopt);
  EXPECT_TRUE(ok(store().find_order(orders[2].key)).has_value());
  EXPECT_EQ(ok(store().list_orders({})).total, 4);
  EXPECT_EQ(ok(store().terminal_orders_before(1'000'000, 100)).size(), 2u);
  ASSERT_OK(store().delete_orders({}));
  ASSERT_OK(store().delete_orders({OrderKey{999, 1}, orders[0].key}));  // unknown keys are ignored
  EXPECT_EQ(ok(store().list_orders({})).total, 4);
}

TEST_P(StoreContract, RequestIdsKeepGrowingAfterDeletes) {
  std::vector<Order> a{make_order(uuid(1), 1, 1)};
  auto r1 = store().append_orders(a);
  ASSERT_TRUE(r1.ok());
  ASSERT_EQ(ok(store().expire_overdue_orders(10)).size(), 1u);
  ASSERT_OK(store().delete_orders({a[0].key}));
  std::vector<Order> b{make_order(uuid(2))};
  auto r2 = store().append_orders(b);
  ASSERT_TRUE(r2.ok());
  EXPECT_GT(*r2, *r1);  // a document id is never reused
  reopen();
  std::vector<Order> c{make_order(uuid(3))};
  auto r3 = store().append_orders(c);
  ASSERT_TRUE(r3.ok());
  EXPECT_GT(*r3, *r2);
}

TEST_P(StoreContract, DataSurvivesReopen) {
  ASSERT_OK(store().create_agent(make_agent(1)));
  ASSERT_OK(store().create_group("g"));
  ASSERT_OK(store().assign_group(uuid(1), "g"));
  ASSERT_OK(store().put_group_configuration("g", "x: 1\n"));
  ASSERT_OK(store().create_user({"admin", "h", kNow}));
  std::vector<Order> orders{make_order(uuid(1)), make_order(std::nullopt)};
  auto request = store().append_orders(orders);
  ASSERT_TRUE(request.ok());

  reopen();
  auto agent = ok(store().find_agent(uuid(1)));
  ASSERT_TRUE(agent.has_value());
  EXPECT_EQ(agent->groups, std::vector<std::string>{"g"});
  EXPECT_EQ(ok(store().group_configuration("g")), std::optional<std::string>("x: 1\n"));
  EXPECT_TRUE(ok(store().find_user("admin")).has_value());
  for (const auto& order : orders) {
    auto found = ok(store().find_order(order.key));
    ASSERT_TRUE(found.has_value());
    expect_same_order(*found, order);
  }
  reopen();  // twice: migrations run on an up-to-date schema
  EXPECT_EQ(ok(store().list_orders({})).total, 2);
}

TEST_P(StoreContract, ConcurrentAppendsShareCommitsWithoutLosingAny) {
  constexpr int kThreads = 16;
  constexpr int kRequestsPerThread = 50;
  std::vector<std::vector<std::int64_t>> ids(kThreads);
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRequestsPerThread; ++r) {
        std::vector<Order> orders{make_order(uuid(t * 1000 + r)),
                                  make_order(uuid(t * 1000 + r), kNow, 100, "fetch-config")};
        auto request = store().append_orders(orders);
        if (!request.ok() || orders[0].key != OrderKey{*request, 1} || orders[1].key != OrderKey{*request, 2}) {
          ++failures[t];
          continue;
        }
        ids[t].push_back(*request);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::int64_t> unique;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(failures[t], 0) << "thread " << t;
    EXPECT_TRUE(std::is_sorted(ids[t].begin(), ids[t].end())) << "thread " << t;
    unique.insert(ids[t].begin(), ids[t].end());
  }
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kRequestsPerThread));
  EXPECT_EQ(ok(store().list_orders({})).total, kThreads * kRequestsPerThread * 2);
  // Every request holds exactly its own two orders.
  for (std::int64_t id : {*unique.begin(), *unique.rbegin()}) {
    OrderQuery query;
    query.request_id = id;
    EXPECT_EQ(ok(store().list_orders(query)).total, 2);
  }
}

TEST_P(StoreContract, AFailingWriteDoesNotFailTheOthersCommittedWithIt) {
  // Writers that run together share a transaction; a conflict must fail only its own write.
  constexpr int kThreads = 12;
  std::atomic<int> shared_created{0};
  std::vector<int> own_failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        auto shared = store().create_group("shared-" + std::to_string(round));
        if (shared.ok()) {
          ++shared_created;
        } else if (shared.error().kind != ErrorKind::conflict) {
          ++own_failures[t];
        }
        if (!store().create_group("own-" + std::to_string(t) + "-" + std::to_string(round)).ok()) ++own_failures[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(shared_created, 5);
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(own_failures[t], 0) << "thread " << t;
  EXPECT_EQ(ok(store().list_groups()).size(), static_cast<std::size_t>(5 + kThreads * 5));
}

// ---------------------------------------------------------------------------------------------
// Delivery and results

TEST_P(StoreContract, PendingOrdersForAnAgentAreOldestFirstAndOnlyPending) {
  std::vector<Order> first{make_order(uuid(1)), make_order(uuid(2)), make_order(uuid(1))};
  std::vector<Order> second{make_order(uuid(1))};
  ASSERT_TRUE(store().append_orders(first).ok());
  ASSERT_TRUE(store().append_orders(second).ok());
  const DeliveryTarget agent1{DeliveryTarget::Kind::agent, uuid(1)};
  EXPECT_EQ(keys_of(ok(store().pending_orders_for(agent1, 10))),
            (std::vector<OrderKey>{first[0].key, first[2].key, second[0].key}));
  EXPECT_EQ(keys_of(ok(store().pending_orders_for(agent1, 2))), (std::vector<OrderKey>{first[0].key, first[2].key}));
  EXPECT_TRUE(ok(store().pending_orders_for({DeliveryTarget::Kind::agent, uuid(9)}, 10)).empty());

  ASSERT_OK(store().mark_orders_sent({first[0].key}, kNow + 1));
  EXPECT_EQ(keys_of(ok(store().pending_orders_for(agent1, 10))), (std::vector<OrderKey>{first[2].key, second[0].key}));
  auto sent = ok(store().find_order(first[0].key));
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->status, OrderStatus::sent);
  EXPECT_EQ(sent->updated_at, kNow + 1);
  expect_same_order(ok(store().pending_orders_for(agent1, 1)).at(0), ok(store().find_order(first[2].key)).value());
}

TEST_P(StoreContract, PendingServerOrdersMatchTheModuleCaseInsensitively) {
  std::vector<Order> orders{make_order(std::nullopt), make_order(std::nullopt), make_order(uuid(1))};
  orders[1].command.target.id = "other-module";
  orders[2].command.target.id = "vulnerability-detector";  // an agent's order never goes to a module
  ASSERT_TRUE(store().append_orders(orders).ok());
  auto pending = ok(store().pending_orders_for({DeliveryTarget::Kind::server_module, "Vulnerability-DETECTOR"}, 10));
  EXPECT_EQ(keys_of(pending), (std::vector<OrderKey>{orders[0].key}));
  ASSERT_OK(store().mark_orders_sent({orders[0].key}, kNow + 1));
  EXPECT_TRUE(
      ok(store().pending_orders_for({DeliveryTarget::Kind::server_module, "vulnerability-detector"}, 10)).empty());
}

TEST_P(StoreContract, AgentsWithPendingOrdersAreThoseWithAtLeastOne) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(uuid(2)), make_order(uuid(1)), make_order(std::nullopt)};
  ASSERT_TRUE(store().append_orders(orders).ok());
  ASSERT_OK(store().mark_orders_sent({orders[1].key}, kNow + 1));
  EXPECT_EQ(ok(store().agents_with_pending_orders({uuid(3), uuid(1), uuid(2)})), std::vector<std::string>{uuid(1)});
  ASSERT_OK(store().mark_orders_sent({orders[0].key}, kNow + 1));
  EXPECT_EQ(ok(store().agents_with_pending_orders({uuid(1)})), std::vector<std::string>{uuid(1)});  // orders[2]
  EXPECT_TRUE(ok(store().agents_with_pending_orders({})).empty());
}

// Two leader locks of one store stand for two nodes: one leads at a time, the other takes over
// once the first gives up (or its session ends). SQLite has a single process: it always leads.
TEST_P(StoreContract, OneLeaderLockHolderAtATime) {
  auto first = store().leader_lock();
  auto second = store().leader_lock();
  ASSERT_TRUE(ok(first->hold()));
  if (GetParam().name == "Sqlite") {
    EXPECT_TRUE(ok(second->hold()));
    return;
  }
  EXPECT_FALSE(ok(second->hold()));
  EXPECT_TRUE(ok(first->hold()));  // still the holder
  first->release();
  EXPECT_TRUE(ok(second->hold()));
  EXPECT_FALSE(ok(first->hold()));
  second.reset();  // destroyed: gives the lock up
  bool taken = false;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !taken && std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
    taken = ok(first->hold());
  }
  EXPECT_TRUE(taken);
}

TEST_P(StoreContract, MarkSentMovesOnlyPendingOrders) {
  std::vector<Order> orders{make_order(uuid(1), 1000, 10), make_order(uuid(1), 1000, 10),
                            make_order(uuid(1), 1000, 500)};
  ASSERT_TRUE(store().append_orders(orders).ok());
  // The result of order 1 arrives before its delivery is recorded; order 0 expires.
  EXPECT_EQ(ok(store().apply_results({{orders[1].key, uuid(1), {0, "done", std::nullopt}, std::nullopt}}, 1001)),
            std::vector<ResultOutcome>{ResultOutcome::applied});
  ASSERT_EQ(ok(store().expire_overdue_orders(1010)).size(), 1u);
  EXPECT_EQ(ok(store().mark_orders_sent({orders[2].key, orders[0].key, orders[1].key, OrderKey{999, 1}}, 1011)),
            std::vector<OrderKey>{orders[2].key});  // what it moved: a second claim gets nothing
  EXPECT_TRUE(ok(store().mark_orders_sent({orders[2].key}, 1011)).empty());
  EXPECT_EQ(ok(store().find_order(orders[0].key))->status, OrderStatus::failure);
  EXPECT_EQ(ok(store().find_order(orders[1].key))->status, OrderStatus::success);
  EXPECT_EQ(ok(store().find_order(orders[2].key))->status, OrderStatus::sent);
  ASSERT_OK(store().mark_orders_sent({}, 1012));
}

TEST_P(StoreContract, OrdersGivenBackArePendingAgainUnlessTheyFinished) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(uuid(1)), make_order(uuid(1))};
  ASSERT_TRUE(store().append_orders(orders).ok());
  ASSERT_EQ(ok(store().mark_orders_sent({orders[0].key, orders[1].key}, kNow + 1)).size(), 2u);
  EXPECT_EQ(ok(store().apply_results({{orders[1].key, uuid(1), {0, "done", std::nullopt}, std::nullopt}}, kNow + 2)),
            std::vector<ResultOutcome>{ResultOutcome::applied});
  ASSERT_OK(store().return_orders_to_pending({orders[0].key, orders[1].key, orders[2].key}, kNow + 3));
  EXPECT_EQ(ok(store().find_order(orders[0].key))->status, OrderStatus::pending);
  EXPECT_EQ(ok(store().find_order(orders[1].key))->status, OrderStatus::success);
  EXPECT_EQ(ok(store().find_order(orders[2].key))->status, OrderStatus::pending);
  ASSERT_OK(store().return_orders_to_pending({}, kNow + 3));
}

TEST_P(StoreContract, ApplyResultsOutcomesInOrder) {
  std::vector<Order> orders{make_order(uuid(1)), make_order(uuid(1)), make_order(std::nullopt)};
  ASSERT_TRUE(store().append_orders(orders).ok());
  ASSERT_OK(store().mark_orders_sent({orders[0].key, orders[1].key}, kNow + 1));
  const auto o1 = orders[0].key, o2 = orders[1].key, server = orders[2].key;
  std::vector<ResultReport> reports{
      {o1, uuid(1), {2, "in progress", std::nullopt}, std::nullopt},
      {o1, uuid(1), {2, "in progress", std::nullopt}, std::nullopt},
      {o1, uuid(1), {0, "ok", R"({"x":1})"}, R"({"hostname":"web1"})"},
      {o1, uuid(1), {0, "ok", R"({"x":1})"}, std::nullopt},
      {o1, uuid(1), {1, "boom", std::nullopt}, std::nullopt},
      {o2, uuid(2), {0, "ok", std::nullopt}, std::nullopt},
      {OrderKey{o1.request_id + 100, 1}, uuid(1), {0, "ok", std::nullopt}, std::nullopt},
      {server, uuid(1), {0, "ok", std::nullopt}, std::nullopt},
      {server, std::nullopt, {1, "module failed", std::nullopt}, std::nullopt},
  };
  EXPECT_EQ(
      ok(store().apply_results(reports, kNow + 2)),
      (std::vector<ResultOutcome>{ResultOutcome::applied, ResultOutcome::unchanged, ResultOutcome::applied,
                                  ResultOutcome::unchanged, ResultOutcome::already_final, ResultOutcome::wrong_target,
                                  ResultOutcome::not_found, ResultOutcome::wrong_target, ResultOutcome::applied}));
  auto done = ok(store().find_order(o1)).value();
  EXPECT_EQ(done.status, OrderStatus::success);
  ASSERT_TRUE(done.result.has_value());
  EXPECT_EQ(done.result->code, 0);
  EXPECT_EQ(done.result->message, "ok");
  EXPECT_EQ(done.result->data_json, std::optional<std::string>(R"({"x":1})"));
  EXPECT_EQ(done.agent_metadata_json, std::optional<std::string>(R"({"hostname":"web1"})"));
  EXPECT_EQ(done.updated_at, kNow + 2);
  EXPECT_EQ(ok(store().find_order(o2))->status, OrderStatus::sent);
  auto module = ok(store().find_order(server)).value();
  EXPECT_EQ(module.status, OrderStatus::failure);
  EXPECT_EQ(module.result->message, "module failed");
  EXPECT_TRUE(ok(store().apply_results({}, kNow)).empty());
}

// ---------------------------------------------------------------------------------------------
// Values

TEST_P(StoreContract, ValuesRoundTripVerbatim) {
  // Quotes, backslashes, tabs, newlines, SQL and COPY syntax, non-ASCII: stored as given.
  const std::string tricky =
      "it's \"quoted\" \\N \\ back\tslash\nnew\r line; DROP TABLE orders; -- {a,b} \u00e9t\u00e9 \xe2\x9c\x93";
  std::vector<Order> orders{make_order(uuid(1))};
  orders[0].command.action.args_json = R"({"text":")" + tricky + R"("})";
  orders[0].command.source = tricky;
  orders[0].command.user = tricky;
  orders[0].command.action.version = "\\N";
  orders[0].agent_groups = std::vector<std::string>{"a'b", "c\"d", "e\\f"};
  ASSERT_TRUE(store().append_orders(orders).ok());
  expect_same_order(ok(store().find_order(orders[0].key)).value(), orders[0]);
  EXPECT_EQ(ok(store().find_order(orders[0].key))->command.action.args_json, orders[0].command.action.args_json);

  auto agent = make_agent(1);
  agent.name = tricky;
  agent.host_json = R"({"hostname":")" + tricky + R"("})";
  ASSERT_OK(store().create_agent(agent));
  auto found = ok(store().find_agent(agent.id)).value();
  EXPECT_EQ(found.name, agent.name);
  EXPECT_EQ(found.host_json, agent.host_json);
  auto resolved = ok(store().resolve_agents({"a\"b", "c\\d", "{x,y}", "NULL", "", uuid(1), uuid(1)}));
  ASSERT_EQ(resolved.size(), 2u);  // duplicates asked for are returned again
  EXPECT_EQ(resolved[0].id, uuid(1));

  ASSERT_OK(store().create_group("x'); DROP TABLE agent; --"));
  EXPECT_TRUE(ok(store().group_exists("x'); DROP TABLE agent; --")));
  ASSERT_OK(store().assign_group(uuid(1), "x'); DROP TABLE agent; --"));
  EXPECT_EQ(ok(store().group_members("x'); DROP TABLE agent; --")).size(), 1u);
  ASSERT_OK(store().put_group_configuration("x'); DROP TABLE agent; --", tricky));
  EXPECT_EQ(ok(store().group_configuration("x'); DROP TABLE agent; --")), std::optional<std::string>(tricky));
  ASSERT_OK(store().create_user({tricky, tricky, kNow}));
  EXPECT_EQ(ok(store().find_user(tricky))->password_hash, tricky);
}

TEST_P(StoreContract, ConcurrentReadersAndWriters) {
  ASSERT_OK(store().create_group("g"));
  std::vector<std::thread> threads;
  std::vector<int> errors(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (t % 2 == 0) {
          if (!store().create_agent(make_agent(t * 100 + i)).ok()) ++errors[t];
          if (!store().assign_group(uuid(t * 100 + i), "g").ok()) ++errors[t];
        } else {
          if (!store().list_agents(0, 50).ok()) ++errors[t];
          if (!store().group_members("g").ok()) ++errors[t];
          if (!store().count_orders_by_status().ok()) ++errors[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(errors[t], 0) << "thread " << t;
  EXPECT_EQ(ok(store().group_members("g")).size(), 100u);
}

}  // namespace
}  // namespace herald::store::testing
