#pragma once
// The Store contract fixture. Every backend runs the same tests: a backend supplies `prepare`,
// which makes a fresh, empty database and returns a factory that opens a Store on it. Calling the
// factory again after the previous Store was closed reopens the same data (durability tests).
// Whatever the factory owns (temp directory, database) is released when the factory is destroyed.
//
// Every TEST_P(StoreContract, ...) and TEST_P(OrderListing, ...), in any file of the test binary,
// runs once per backend: the suites are instantiated for all backends in store_backends_test.cpp.
// A new fixture derived from StoreContract needs its own INSTANTIATE_TEST_SUITE_P there.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"

namespace herald::store::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

struct StoreBackend {
  std::string name;
  std::function<StoreFactory()> prepare;
  // Empty when the backend can run on this machine; otherwise why its tests are skipped.
  std::function<std::string()> unavailable;
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) {
  *os << backend.name;
}

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (GetParam().unavailable) {
      if (auto why = GetParam().unavailable(); !why.empty()) GTEST_SKIP() << GetParam().name << ": " << why;
    }
    factory_ = GetParam().prepare();
    ASSERT_TRUE(factory_);
    store_ = factory_();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    factory_ = nullptr;  // removes the backend's data
  }

  Store& store() { return *store_; }

  // Closes the current store and opens a new one on the same data.
  void reopen() {
    store_->close();
    store_.reset();
    store_ = factory_();
    ASSERT_NE(store_, nullptr);
  }

  StoreFactory factory_;
  std::unique_ptr<Store> store_;
};

// Sample rows for contract tests. In a namespace of their own so that test files keeping their
// own helpers of the same names do not clash.
namespace samples {

constexpr std::int64_t kNow = 1'743'156'930;  // 2025-03-28T10:15:30Z

inline std::string uuid(int n) {
  char buffer[37];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", n);
  return buffer;
}

inline AgentRecord make_agent(int n, std::int64_t date_add = kNow) {
  AgentRecord agent;
  agent.id = uuid(n);
  agent.name = "agent" + std::to_string(n);
  agent.key_hash = "hash-" + std::to_string(n);
  agent.type = "Endpoint";
  agent.version = "6.0.0";
  agent.host_json = R"({"hostname":"web)" + std::to_string(n) + R"("})";
  agent.ip = "10.0.0." + std::to_string(n % 250);
  agent.os_name = "Ubuntu";
  agent.os_version = "24.04";
  agent.os_platform = "Linux";
  agent.os_arch = "x86_64";
  agent.date_add = date_add;
  agent.node_name = "node01";
  return agent;
}

inline core::Order make_order(std::optional<std::string> agent_id, std::int64_t created = kNow, int timeout = 100,
                              std::string action = "restart", std::string source = "Users/Services",
                              core::OrderStatus status = core::OrderStatus::pending) {
  core::Order order;
  order.command.source = std::move(source);
  order.command.user = "Management API";
  order.command.action = {std::move(action), R"({"a":1})", "6.0.0"};
  order.command.timeout_seconds = timeout;
  if (agent_id) {
    order.command.target = {core::TargetType::agent, *agent_id};
    order.agent_groups = std::vector<std::string>{"g1", "g2"};
  } else {
    order.command.target = {core::TargetType::server, "vulnerability-detector"};
  }
  order.agent_id = std::move(agent_id);
  order.status = status;
  order.created_at = created;
  order.deadline = created + timeout;
  order.updated_at = created;
  return order;
}

// The value, or a failure naming the error and a default value.
template <class T>
T value_or_fail(const core::Result<T>& result) {
  if (!result) {
    ADD_FAILURE() << "unexpected error: " << result.error().message;
    return T{};
  }
  return result.value();
}


// A Wazuh 4.x key: 64 hex characters.
inline std::string make_key(int n) {
  char buffer[65];
  std::snprintf(buffer, sizeof buffer, "%064x", n);
  return buffer;
}

// An enrollment of `name` at `now` with the default replacement policy and a key of its own.
inline LegacyEnrollment enrollment(const std::string& name, std::int64_t now = kNow, const std::string& ip = "any") {
  LegacyEnrollment request;
  request.name = name;
  request.ip = ip;
  request.version = "v4.12.0";
  request.key = make_key(static_cast<int>(std::hash<std::string>{}(name + std::to_string(now)) & 0x7fffffff));
  request.now = now;
  request.node_name = "node01";
  return request;
}

}  // namespace samples

// Orders of four requests, r1's two expired: r1 restart for agents 1,2 (t=100); r2 set-group for
// agent 1 (t=200, source "CLI"); r3 update on the server (t=300); r4 restart for agent 2 (t=400,
// timeout 10).
class OrderListing : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    using samples::make_order;
    using samples::uuid;
    std::vector<core::Order> r1{make_order(uuid(1), 100), make_order(uuid(2), 100)};
    std::vector<core::Order> r2{make_order(uuid(1), 200, 50, "set-group", "CLI")};
    std::vector<core::Order> r3{make_order(std::nullopt, 300, 1000, "update", "Content Manager")};
    std::vector<core::Order> r4{make_order(uuid(2), 400, 10)};
    for (auto* batch : {&r1, &r2, &r3, &r4}) {
      auto request = store().append_orders(*batch);
      ASSERT_TRUE(request.ok());
      requests.push_back(*request);
    }
    // Move r1's orders (deadline 200) to failure.
    expired = samples::value_or_fail(store().expire_overdue_orders(200));
  }
  std::vector<std::int64_t> requests;
  std::vector<ExpiredOrder> expired;
};

// Wazuh 4.x keys (store_legacy_keys_test.cpp).
class LegacyKeys : public StoreContract {
 protected:
  LegacyEnrollmentOutcome enroll(const LegacyEnrollment& request) {
    auto outcome = store().enroll_legacy_agent(request);
    if (!outcome) {
      ADD_FAILURE() << "enroll_legacy_agent(" << request.name << "): " << outcome.error().message;
      return {};
    }
    return *outcome;
  }
  // Enrolls, expecting success; the new id.
  std::string enrolled(const LegacyEnrollment& request) {
    auto outcome = enroll(request);
    EXPECT_EQ(outcome.kind, LegacyEnrollmentOutcome::Kind::enrolled) << request.name;
    return outcome.key.id;
  }
  void set_status(const std::string& id, const std::string& status, std::int64_t at) {
    StatusChange change;
    change.agent_id = id;
    change.status = status;
    change.at = at;
    auto applied = samples::value_or_fail(store().apply_status_changes({change}));
    ASSERT_EQ(applied.size(), 1u);
    ASSERT_TRUE(applied[0].applied) << id << " -> " << status;
  }
  bool agent_exists(const std::string& id) { return samples::value_or_fail(store().find_agent(id)).has_value(); }
};

}  // namespace herald::store::testing
