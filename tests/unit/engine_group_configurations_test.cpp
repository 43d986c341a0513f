// The per-thread cache of group configurations against a real SQLite store: what it returns is
// always what the store holds once changed() has been called.
#include "engine/group_configurations.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class EngineGroupConfigurations : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open({dir_.file("herald.db"), "NORMAL"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->create_group("web").ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    thread_.join();
    pool_.stop();
  }

  // get() run as a handler runs it: a coroutine on the io thread.
  core::Result<std::optional<std::string>> get(GroupConfigurations& configurations, const std::string& group) {
    return asio::co_spawn(io_, configurations.get(group), asio::use_future).get();
  }

  test::TempDir dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  BlockingPool pool_{2};
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
};

TEST_F(EngineGroupConfigurations, ServesFromTheCacheUntilChanged) {
  GroupConfigurations configurations(*store_, pool_, 1h);
  auto first = get(configurations, "web");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, std::nullopt);  // the group has no configuration yet

  ASSERT_TRUE(store_->put_group_configuration("web", "a: 1\n").ok());
  EXPECT_EQ(*get(configurations, "web"), std::nullopt) << "written behind the cache's back: not seen yet";
  configurations.changed();
  EXPECT_EQ(*get(configurations, "web"), std::optional<std::string>("a: 1\n"));

  ASSERT_TRUE(store_->delete_group("web").ok());
  configurations.changed();
  auto gone = get(configurations, "web");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().kind, core::ErrorKind::not_found);
  // A missing group is remembered too, and forgotten once it is created.
  ASSERT_TRUE(store_->create_group("web").ok());
  EXPECT_FALSE(get(configurations, "web").ok());
  configurations.changed();
  EXPECT_TRUE(get(configurations, "web").ok());
}

TEST_F(EngineGroupConfigurations, InstancesDoNotShareEntries) {
  ASSERT_TRUE(store_->put_group_configuration("web", "a: 1\n").ok());
  GroupConfigurations first(*store_, pool_, 1h);
  EXPECT_EQ(*get(first, "web"), std::optional<std::string>("a: 1\n"));
  ASSERT_TRUE(store_->put_group_configuration("web", "a: 2\n").ok());
  GroupConfigurations second(*store_, pool_, 1h);
  EXPECT_EQ(*get(second, "web"), std::optional<std::string>("a: 2\n"));
}

TEST_F(EngineGroupConfigurations, MaxAgeZeroAlwaysReadsTheStore) {
  GroupConfigurations configurations(*store_, pool_, 0ms);
  EXPECT_EQ(*get(configurations, "web"), std::nullopt);
  ASSERT_TRUE(store_->put_group_configuration("web", "b: 2\n").ok());
  EXPECT_EQ(*get(configurations, "web"), std::optional<std::string>("b: 2\n"));
}

}  // namespace
}  // namespace herald::engine
