// Custom ruleset files through RulesetManager against a real SQLite store: a change is validated
// with the whole ruleset before anything is written, then replaces the running ruleset; a second
// manager on the same store (another node) picks the change up from the bus or its check.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "bus/local_bus.h"
#include "core/clock.h"
#include "engine/ruleset_manager.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

using namespace std::chrono_literals;

constexpr const char* kDecoders = R"(<decoder name="test-app">
  <program_name>testapp</program_name>
</decoder>
)";
constexpr const char* kRules = R"(<group name="test,">
  <rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog</description></rule>
  <rule id="100001" level="3">
    <decoded_as>test-app</decoded_as>
    <description>test app event</description>
  </rule>
</group>
)";
constexpr const char* kGoodCustom = R"(<group name="local,">
  <rule id="100010" level="10">
    <if_sid>100001</if_sid>
    <match>boom</match>
    <description>boom</description>
  </rule>
</group>
)";
constexpr const char* kBadCustom = R"(<group name="local,">
  <rule id="100011" level="10">
    <if_sid>100001</if_sid>
    <bogus>x</bogus>
    <description>x</description>
  </rule>
</group>
)";

analysis::RulesetSources configured() {
  analysis::RulesetSources sources;
  sources.decoders.push_back({"base/decoders/test.xml", kDecoders});
  sources.rules.push_back({"base/rules/test.xml", kRules});
  return sources;
}

// One node: its manager and the analysis service whose ruleset the manager replaces.
struct Node {
  // A check interval of an hour: only the bus or an explicit refresh() tells it of changes.
  Node(store::RulesetFileStore& store, bus::EventBus* bus, const std::string& name,
       std::chrono::milliseconds check_interval = 1h)
      : manager(store, configured(), bus, {name, check_interval}, metrics) {
    analysis::LoadWarnings warnings;
    auto ruleset = manager.load_initial(warnings);
    EXPECT_TRUE(ruleset.ok()) << ruleset.error().message;
    service = std::make_unique<AnalysisService>(
        AnalysisOptions{1, 16, {}}, std::move(ruleset).value(), [](const analysis::AlertRecord&) {}, clock, metrics);
    service->start();
    manager.start(*service);
  }
  ~Node() {
    manager.stop();
    service->stop();
  }
  bool has_rule(int id) const { return service->ruleset()->rules().find(id) != nullptr; }

  core::SystemClock clock;
  core::MetricsRegistry metrics;
  RulesetManager manager;
  std::unique_ptr<AnalysisService> service;
};

class EngineRulesetManager : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open({dir_.file("herald.db"), "NORMAL"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  template <class F>
  static bool eventually(F condition, std::chrono::milliseconds bound = 5s) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (std::chrono::steady_clock::now() < until) {
      if (condition()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return condition();
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

TEST_F(EngineRulesetManager, AGoodFileIsStoredAndReplacesTheRunningRuleset) {
  Node node(*store_, nullptr, "node-a");
  ASSERT_FALSE(node.has_rule(100010));
  auto put = node.manager.put(RulesetFileKind::rules, "local_rules.xml", kGoodCustom, false);
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_TRUE(node.has_rule(100010));
  EXPECT_EQ(node.manager.version(), 1);
  const auto& files = node.service->ruleset()->sources().rules;
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files.back().path, "etc/rules/local_rules.xml");  // after the configured ones
  EXPECT_EQ(store_->ruleset_files()->files.size(), 1u);
}

TEST_F(EngineRulesetManager, ABadFileIsRefusedWithItsLineAndChangesNothing) {
  Node node(*store_, nullptr, "node-a");
  auto before = node.service->ruleset();
  auto put = node.manager.put(RulesetFileKind::rules, "bad.xml", kBadCustom, false);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_NE(put.error().message.find("etc/rules/bad.xml:4:"), std::string::npos) << put.error().message;
  EXPECT_NE(put.error().message.find("bogus"), std::string::npos) << put.error().message;
  EXPECT_EQ(node.service->ruleset(), before);
  EXPECT_EQ(*store_->ruleset_files_version(), 0);
  EXPECT_TRUE(store_->ruleset_files()->files.empty());
}

TEST_F(EngineRulesetManager, AnExistingFileIsReplacedOnlyWithOverwrite) {
  Node node(*store_, nullptr, "node-a");
  ASSERT_TRUE(node.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  auto again = node.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, core::ErrorKind::conflict);
  EXPECT_TRUE(node.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, true).ok());
  EXPECT_EQ(node.manager.version(), 2);
}

TEST_F(EngineRulesetManager, DeletingRemovesTheRulesAndAMissingFileIsNotFound) {
  Node node(*store_, nullptr, "node-a");
  ASSERT_TRUE(node.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  ASSERT_TRUE(node.manager.remove(RulesetFileKind::rules, "local.xml").ok());
  EXPECT_FALSE(node.has_rule(100010));
  auto again = node.manager.remove(RulesetFileKind::rules, "local.xml");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, core::ErrorKind::not_found);
}

TEST_F(EngineRulesetManager, AConfiguredFileCannotBeReplacedThroughTheApi) {
  analysis::RulesetSources sources = configured();
  sources.rules.push_back({"etc/rules/local_rules.xml", kRules});
  core::MetricsRegistry metrics;
  RulesetManager manager(*store_, sources, nullptr, {"node-a", 1h}, metrics);
  auto put = manager.put(RulesetFileKind::rules, "local_rules.xml", kGoodCustom, true);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, core::ErrorKind::invalid_argument);
}

TEST_F(EngineRulesetManager, StoredFilesAreLoadedAtStart) {
  ASSERT_TRUE(store_->put_ruleset_file({"rules", "local.xml", kGoodCustom}).ok());
  Node node(*store_, nullptr, "node-a");
  EXPECT_TRUE(node.has_rule(100010));
  EXPECT_EQ(node.manager.version(), 1);
}

TEST_F(EngineRulesetManager, StoredFilesThatNoLongerLoadAreLeftOutAtStartAndCanBeDeleted) {
  ASSERT_TRUE(store_->put_ruleset_file({"rules", "bad.xml", kBadCustom}).ok());  // written behind its back
  Node node(*store_, nullptr, "node-a");
  EXPECT_TRUE(node.has_rule(100001));
  EXPECT_EQ(node.manager.version(), 0);
  EXPECT_FALSE(*node.manager.refresh());  // the failed version is not retried
  ASSERT_TRUE(node.manager.remove(RulesetFileKind::rules, "bad.xml").ok());
  ASSERT_TRUE(node.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  EXPECT_TRUE(node.has_rule(100010));
  EXPECT_EQ(node.manager.version(), 3);
}

TEST_F(EngineRulesetManager, AnotherNodePicksTheChangeUpFromTheBus) {
  bus::LocalBus bus;
  Node a(*store_, &bus, "node-a");
  Node b(*store_, &bus, "node-b");
  ASSERT_TRUE(a.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  EXPECT_TRUE(eventually([&] { return b.has_rule(100010); }));
  EXPECT_EQ(b.manager.version(), 1);
}

TEST_F(EngineRulesetManager, RefreshLoadsWhatAnotherNodeStored) {
  Node a(*store_, nullptr, "node-a");
  Node b(*store_, nullptr, "node-b");
  ASSERT_TRUE(a.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  EXPECT_FALSE(b.has_rule(100010));
  auto refreshed = b.manager.refresh();
  ASSERT_TRUE(refreshed.ok());
  EXPECT_TRUE(*refreshed);
  EXPECT_TRUE(b.has_rule(100010));
  EXPECT_FALSE(*b.manager.refresh());  // nothing new
}

TEST_F(EngineRulesetManager, WithoutTheBusThePeriodicCheckFindsTheChange) {
  Node a(*store_, nullptr, "node-a");
  Node b(*store_, nullptr, "node-b", 50ms);
  ASSERT_TRUE(a.manager.put(RulesetFileKind::rules, "local.xml", kGoodCustom, false).ok());
  EXPECT_TRUE(eventually([&] { return b.has_rule(100010); }));
  ASSERT_TRUE(a.manager.remove(RulesetFileKind::rules, "local.xml").ok());
  EXPECT_TRUE(eventually([&] { return !b.has_rule(100010); }));
}

TEST(EngineRulesetFileNames, FollowTheKindsRules) {
  EXPECT_TRUE(is_valid_custom_file_name(RulesetFileKind::rules, "local_rules.xml"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::rules, "local_rules"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::rules, ".xml"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::decoders, "../x.xml"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::decoders, "a b.xml"));
  EXPECT_TRUE(is_valid_custom_file_name(RulesetFileKind::lists, "bad-ips"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::lists, "bad-ips.cdb"));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::lists, ""));
  EXPECT_FALSE(is_valid_custom_file_name(RulesetFileKind::lists, std::string(256, 'a')));
}

}  // namespace
}  // namespace herald::engine
