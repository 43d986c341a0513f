// Liveness on a real SQLite store with a manual clock: every transition, its status_code and
// reason, write-behind keep-alives, and recovery after a restart.
#include "engine/liveness.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <mutex>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'743'156'930;

std::string agent_uuid(int n) {
  char buffer[37];
  std::snprintf(buffer, sizeof buffer, "00000000-0000-4000-8000-%012d", n);
  return buffer;
}

class RecordingObserver final : public LivenessObserver {
 public:
  void status_changed(const StatusTransition& transition) override {
    std::lock_guard lock(mutex);
    transitions.push_back(transition);
  }
  void keepalive(const std::string& agent_id, std::int64_t) override {
    std::lock_guard lock(mutex);
    keepalives.push_back(agent_id);
  }
  std::mutex mutex;
  std::vector<StatusTransition> transitions;
  std::vector<std::string> keepalives;
};

class LivenessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    open_store();
    for (int n = 1; n <= 3; ++n) {
      store::AgentRecord agent;
      agent.id = agent_uuid(n);
      agent.name = "agent" + std::to_string(n);
      agent.key_hash = "hash";
      agent.date_add = kStart;
      ASSERT_TRUE(store_->create_agent(agent).ok());
    }
    liveness_ = make_liveness();
    ASSERT_TRUE(liveness_->start().ok());
  }
  void TearDown() override {
    liveness_.reset();
    if (store_) store_->close();
  }

  void open_store() {
    auto store = store::sqlite::SqliteStore::open({(dir_.path() / "herald.db").string(), "NORMAL"});
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }

  std::unique_ptr<Liveness> make_liveness(std::string node = "node01") {
    LivenessOptions options;
    options.interval = 60s;
    options.timeout = 180s;
    options.flush_interval = 1000ms;
    options.tick = 0ms;  // the test drives tick()
    options.node_name = std::move(node);
    return std::make_unique<Liveness>(*store_, clock_, observer_, options);
  }

  void advance(std::chrono::milliseconds by) {
    clock_.advance(by);
    liveness_->tick();
  }

  store::AgentRecord row(int n) {
    auto agent = store_->find_agent(agent_uuid(n));
    EXPECT_TRUE(agent.ok() && agent->has_value());
    return agent.ok() && agent->has_value() ? **agent : store::AgentRecord{};
  }

  std::vector<std::string> statuses_of(int n) {
    std::lock_guard lock(observer_.mutex);
    std::vector<std::string> out;
    for (const auto& t : observer_.transitions) {
      if (t.agent_id == agent_uuid(n)) out.push_back(t.previous_status + ">" + t.status);
    }
    return out;
  }

  const StatusTransition& last_transition() {
    std::lock_guard lock(observer_.mutex);
    return observer_.transitions.back();
  }

  test::TempDir dir_;
  core::ManualClock clock_{kStart};
  RecordingObserver observer_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<Liveness> liveness_;
};

TEST_F(LivenessTest, FirstRequestMakesTheAgentActive) {
  liveness_->seen(agent_uuid(1));
  advance(100ms);
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active"}));
  auto agent = row(1);
  EXPECT_EQ(agent.connection_status, "active");
  EXPECT_EQ(agent.status_code, 0);
  EXPECT_EQ(agent.last_keepalive, kStart);
  EXPECT_EQ(agent.node_name, "node01");
}

TEST_F(LivenessTest, SilenceMakesPendingAfterIntervalThenDisconnectedAfterTimeout) {
  liveness_->seen(agent_uuid(1));
  advance(59'000ms);
  EXPECT_EQ(row(1).connection_status, "active");
  advance(1'500ms);  // 60.5 s: within a second of the interval
  EXPECT_EQ(row(1).connection_status, "pending");
  EXPECT_EQ(row(1).status_code, kStatusNoKeepalive);
  advance(119'000ms);  // 179.5 s
  EXPECT_EQ(row(1).connection_status, "pending");
  advance(1'000ms);  // 180.5 s: disconnected within a second of the timeout, not 2x
  auto agent = row(1);
  EXPECT_EQ(agent.connection_status, "disconnected");
  EXPECT_EQ(agent.status_code, kStatusNoKeepalive);
  EXPECT_EQ(agent.disconnection_time, kStart + 180);
  EXPECT_NE(agent.status_reason.find("no keep-alive"), std::string::npos);
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active", "active>pending", "pending>disconnected"}));
  EXPECT_GE(last_transition().previous_duration_ms, 119'000);
}

TEST_F(LivenessTest, KeepalivesPostponeTheDeadlines) {
  liveness_->seen(agent_uuid(1));
  for (int i = 0; i < 10; ++i) {
    advance(30'000ms);
    liveness_->seen(agent_uuid(1));
  }
  advance(30'000ms);
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active"}));
}

TEST_F(LivenessTest, AParkedPollKeepsTheAgentActiveAndItsKeepaliveFresh) {
  liveness_->poll_parked(agent_uuid(1));
  for (int i = 0; i < 10; ++i) advance(60'000ms);  // ten minutes parked
  EXPECT_EQ(row(1).connection_status, "active");
  liveness_->flush();
  EXPECT_GE(*row(1).last_keepalive, kStart + 540);
  liveness_->poll_ended(agent_uuid(1), false);
  advance(61'000ms);
  EXPECT_EQ(row(1).connection_status, "pending");
}

TEST_F(LivenessTest, ADroppedPollIsPendingAtOnceWithCode6) {
  liveness_->poll_parked(agent_uuid(2));
  advance(5'000ms);
  liveness_->poll_ended(agent_uuid(2), true);
  advance(100ms);
  auto agent = row(2);
  EXPECT_EQ(agent.connection_status, "pending");
  EXPECT_EQ(agent.status_code, kStatusConnectionDropped);
  EXPECT_NE(agent.status_reason.find("dropped"), std::string::npos);
  advance(180'000ms);
  agent = row(2);
  EXPECT_EQ(agent.connection_status, "disconnected");
  EXPECT_EQ(agent.status_code, kStatusConnectionDropped);
  // It comes back: reconnected.
  liveness_->seen(agent_uuid(2));
  advance(100ms);
  EXPECT_EQ(row(2).connection_status, "active");
  EXPECT_EQ(row(2).status_code, kStatusOk);
  EXPECT_EQ(row(2).disconnection_time, 0);
  EXPECT_EQ(last_transition().reason, "reconnected");
}

TEST_F(LivenessTest, APollThatEndsNormallyIsAKeepaliveSoTheRepollGapNeverFlaps) {
  liveness_->poll_parked(agent_uuid(1));
  advance(59'500ms);
  liveness_->poll_ended(agent_uuid(1), false);  // an order arrived; the agent re-polls 1 s later
  advance(1'000ms);                              // its original deadline (60 s) passes meanwhile
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active"}));
  liveness_->poll_parked(agent_uuid(1));
  advance(100ms);
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active"}));
}

TEST_F(LivenessTest, RepeatedDropsKeepOneDeadlinePerAgent) {
  for (int i = 0; i < 50; ++i) {
    liveness_->poll_parked(agent_uuid(1));
    liveness_->poll_ended(agent_uuid(1), true);
  }
  advance(100ms);
  // Silent from now on: exactly one pending and one disconnected, at their times.
  advance(200'000ms);
  auto statuses = statuses_of(1);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.back(), "pending>disconnected");
  auto counts = liveness_->counts();
  EXPECT_EQ(counts.active, 0u);
  EXPECT_EQ(counts.pending, 0u);
}

TEST_F(LivenessTest, AReplacedPollIsNotADrop) {
  liveness_->poll_parked(agent_uuid(1));
  liveness_->poll_parked(agent_uuid(1));  // the newer poll replaces the older
  liveness_->poll_ended(agent_uuid(1), true);
  advance(100ms);
  EXPECT_EQ(row(1).connection_status, "active");
}

TEST_F(LivenessTest, KeepalivesAreWrittenBehindAtMostOncePerAgentPerFlush) {
  for (int i = 0; i < 100; ++i) {
    liveness_->seen(agent_uuid(1));
    liveness_->seen(agent_uuid(2));
    clock_.advance(5ms);
  }
  advance(1'000ms);
  auto counts = liveness_->counts();
  EXPECT_EQ(counts.keepalive_writes, 2u);  // two agents, one row each
  EXPECT_EQ(counts.transitions, 2u);
  EXPECT_EQ(counts.active, 2u);
}

TEST_F(LivenessTest, KeepaliveEventsAtMostOncePerInterval) {
  for (int i = 0; i < 10; ++i) {
    liveness_->seen(agent_uuid(1));
    advance(10'000ms);
  }
  std::lock_guard lock(observer_.mutex);
  EXPECT_EQ(observer_.keepalives.size(), 2u);  // at 0 s and 60 s
}

TEST_F(LivenessTest, RestartMarksThisNodesAgentsDisconnectedWithCode5) {
  liveness_->seen(agent_uuid(1));
  liveness_->seen(agent_uuid(2));
  advance(100ms);
  liveness_->stop();
  liveness_.reset();
  // Agent 2 was last seen by another node: that node decides about it.
  auto other = store::StatusChange{agent_uuid(2), "active", 0, "seen elsewhere", kStart, "node02", {}, {}};
  ASSERT_TRUE(store_->apply_status_changes({other}).ok());

  clock_.advance(30'000ms);
  liveness_ = make_liveness();
  ASSERT_TRUE(liveness_->start().ok());
  auto agent = row(1);
  EXPECT_EQ(agent.connection_status, "disconnected");
  EXPECT_EQ(agent.status_code, kStatusManagerRestart);
  EXPECT_EQ(row(2).connection_status, "active");
  // The other node's agent is still tracked: silent past the timeout, it is disconnected.
  advance(200'000ms);
  EXPECT_EQ(row(2).connection_status, "disconnected");
  // Seen again: active.
  liveness_->seen(agent_uuid(1));
  advance(100ms);
  EXPECT_EQ(row(1).connection_status, "active");
}

TEST_F(LivenessTest, AStatusDecidedOnStaleDataIsNotStoredWhenAnotherNodeSawTheAgent) {
  liveness_->seen(agent_uuid(3));
  advance(100ms);
  // Another node keeps the agent alive in the shared store; this node hears nothing.
  clock_.advance(59'000ms);
  ASSERT_TRUE(store_->record_keepalives({{agent_uuid(3), clock_.now_seconds(), "node02"}}).ok());
  advance(2'000ms);
  EXPECT_EQ(row(3).connection_status, "active");
  EXPECT_EQ(statuses_of(3), (std::vector<std::string>{"never_connected>active"}));
}

TEST_F(LivenessTest, MetadataIsWrittenOnlyWhenItChanges) {
  store::AgentMetadata metadata;
  metadata.agent_id = agent_uuid(1);
  metadata.version = "6.0.0";
  metadata.groups = std::vector<std::string>{};
  EXPECT_FALSE(liveness_->metadata_is_recorded(metadata));
  ASSERT_TRUE(liveness_->record_metadata(metadata).ok());
  EXPECT_TRUE(liveness_->metadata_is_recorded(metadata));
  metadata.version = "6.0.1";
  EXPECT_FALSE(liveness_->metadata_is_recorded(metadata));
  ASSERT_TRUE(liveness_->record_metadata(metadata).ok());
  EXPECT_EQ(row(1).version, "6.0.1");
}

}  // namespace
}  // namespace herald::engine

namespace herald::engine {
namespace {

// A second node in a cluster: two Liveness instances on one store, as two heraldd on PostgreSQL.
class ClusterLivenessTest : public LivenessTest {
 protected:
  std::unique_ptr<Liveness> make_node(std::string node, bool leading) {
    LivenessOptions options;
    options.interval = 60s;
    options.timeout = 180s;
    options.tick = 0ms;
    options.node_name = std::move(node);
    options.parked_refresh = 30s;
    if (leading) options.leading = [] { return true; };
    return std::make_unique<Liveness>(*store_, clock_, observer_, options);
  }
};

TEST_F(ClusterLivenessTest, AnAgentAlreadyActiveElsewhereIsNotAnnouncedAgain) {
  liveness_->seen(agent_uuid(1));
  advance(100ms);
  auto other = make_node("node02", false);
  ASSERT_TRUE(other->start().ok());
  other->seen(agent_uuid(1));  // the agent's next request lands on the other node
  other->tick();
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active"}));
}

TEST_F(ClusterLivenessTest, AParkedPollRefreshesTheStoredKeepaliveWithinHalfAnInterval) {
  auto node = make_node("node02", false);
  ASSERT_TRUE(node->start().ok());
  node->poll_parked(agent_uuid(1));
  node->tick();
  clock_.advance(31'000ms);
  node->tick();
  clock_.advance(1'000ms);
  node->tick();  // the flush after the refresh
  EXPECT_GE(row(1).last_keepalive.value_or(0), kStart + 31);
}

TEST_F(ClusterLivenessTest, APendingStatusStoredOnStaleDataIsPutRightByTheNodeThatKnowsBetter) {
  liveness_->seen(agent_uuid(1));
  advance(100ms);
  // Another node, which had not yet read the latest keep-alive, stored "pending"; the keep-alive
  // (written by a third node) is fresh.
  clock_.advance(59'000ms);
  ASSERT_TRUE(store_->apply_status_changes({{agent_uuid(1), "pending", 4, "stale view", kStart, "", {}, {}}}).ok());
  ASSERT_TRUE(store_->record_keepalives({{agent_uuid(1), clock_.now_seconds(), "node03"}}).ok());
  advance(2'000ms);  // this node's own view says pending too, but the store has a newer keep-alive
  advance(200ms);
  EXPECT_EQ(row(1).connection_status, "active");
  EXPECT_EQ(row(1).status_reason, "keep-alive seen by another node");
}

TEST_F(ClusterLivenessTest, TwoNodesThatBothDecideATransitionStoreAndPublishItOnce) {
  auto other = make_node("node02", false);
  ASSERT_TRUE(other->start().ok());
  liveness_->seen(agent_uuid(1));
  other->seen(agent_uuid(1));
  advance(100ms);
  other->tick();
  clock_.advance(61'000ms);
  liveness_->tick();
  other->tick();
  clock_.advance(180'000ms);
  other->tick();
  liveness_->tick();
  EXPECT_EQ(statuses_of(1), (std::vector<std::string>{"never_connected>active", "active>pending", "pending>disconnected"}));
  EXPECT_EQ(row(1).connection_status, "disconnected");
}

TEST_F(ClusterLivenessTest, TheLeaderAdoptsAgentsNoNodeKeepsAliveAndLetsGoOfLiveOnes) {
  // Agent 1 was held by a node that died; agent 2 is kept alive by another node.
  ASSERT_TRUE(store_->apply_status_changes({{agent_uuid(1), "active", 0, "", kStart, "dead-node", {}, {}},
                                            {agent_uuid(2), "active", 0, "", kStart, "node03", {}, {}}})
                  .ok());
  ASSERT_TRUE(store_->record_keepalives({{agent_uuid(1), kStart, "dead-node"}, {agent_uuid(2), kStart, "node03"}}).ok());
  auto leader = make_node("node02", true);
  clock_.advance(61'000ms);
  ASSERT_TRUE(store_->record_keepalives({{agent_uuid(2), clock_.now_seconds(), "node03"}}).ok());
  EXPECT_EQ(*leader->adopt_silent_agents(), 1u);  // agent 2's keep-alive is fresh: not adopted
  leader->tick();
  EXPECT_EQ(row(1).connection_status, "pending");
  clock_.advance(180'000ms);
  leader->tick();
  EXPECT_EQ(row(1).connection_status, "disconnected");
  EXPECT_EQ(row(2).connection_status, "active");
}

}  // namespace
}  // namespace herald::engine
