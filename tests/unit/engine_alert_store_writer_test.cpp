// Alerts into the store: the row read out of an alert's JSON, the write-behind (everything
// delivered is stored by stop(), drops past the queue bound counted) and the retention purge.
#include <gtest/gtest.h>

// Queries and options are written with designated initializers, naming only what a test sets.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "core/clock.h"
#include "core/metrics.h"
#include "engine/alert_store_writer.h"
#include "engine/stored_alert.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

constexpr std::int64_t kNow = 1'796'691'600;  // 2026-12-08T01:00:00Z

analysis::AlertRecord alert_at(int n, const std::string& timestamp) {
  analysis::AlertRecord alert;
  alert.id = std::to_string(kNow) + "." + std::to_string(n);
  alert.level = 5;
  alert.rule_id = 5710;
  alert.json = R"({"timestamp":")" + timestamp +
               R"(","rule":{"level":5,"description":"sshd: Attempt to login using a non-existent user","id":"5710",)"
               R"("groups":["syslog","sshd","invalid_login"]},"agent":{"id":"001","name":"web"},)"
               R"("id":")" + alert.id + R"(","full_log":"Invalid user admin from 10.0.0.9"})";
  return alert;
}

TEST(StoredAlert, ReadsTheFiltersOutOfTheAlertJson) {
  auto alert = alert_at(1, "2026-12-08T02:00:00.250+0100");
  auto row = to_stored_alert(alert);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->id, alert.id);
  EXPECT_EQ(row->time_ms, kNow * 1000 + 250);
  EXPECT_EQ(row->level, 5);
  EXPECT_EQ(row->rule_id, 5710);
  EXPECT_EQ(row->agent_id, "001");
  EXPECT_EQ(row->groups, ",syslog,sshd,invalid_login,");
  EXPECT_EQ(row->description, "sshd: Attempt to login using a non-existent user");
  EXPECT_EQ(row->full_log, "Invalid user admin from 10.0.0.9");
  EXPECT_EQ(row->json, alert.json);
  alert.json = "not json";
  EXPECT_FALSE(to_stored_alert(alert));
}

TEST(StoredAlert, TimestampsWithEitherOffsetSign) {
  EXPECT_EQ(parse_alert_timestamp("2026-12-08T01:00:00.000+0000"), kNow * 1000);
  EXPECT_EQ(parse_alert_timestamp("2026-12-07T19:30:00.001-0530"), kNow * 1000 + 1);
  EXPECT_FALSE(parse_alert_timestamp("2026-12-08T01:00:00Z"));
  EXPECT_FALSE(parse_alert_timestamp("2026-12-08T01:00:00.000+00:00"));
}

class AlertStoreWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::sqlite::SqliteStore::open({(dir_.path() / "herald.db").string(), "NORMAL"});
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(opened).value();
  }
  void TearDown() override {
    if (store_) store_->close();
  }
  std::int64_t stored() {
    auto page = store_->query_alerts({});
    EXPECT_TRUE(page);
    return page ? page->total : -1;
  }

  test::TempDir dir_;
  core::ManualClock clock_{kNow};
  core::MetricsRegistry metrics_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
};

TEST_F(AlertStoreWriterTest, StopStoresEverythingDeliveredInBatches) {
  AlertStoreWriter writer(*store_, {.batch_size = 7}, clock_, metrics_);
  writer.start();
  for (int n = 0; n < 50; ++n) writer.deliver(alert_at(n, "2026-12-08T01:00:00.000+0000"));
  writer.stop();
  EXPECT_EQ(stored(), 50);
  EXPECT_EQ(metrics_.counter("herald_alerts_stored_total", "").value(), 50u);
}

TEST_F(AlertStoreWriterTest, AlertsPastTheQueueBoundAreDroppedAndCounted) {
  // Not started: nothing drains the queue, so the bound is reached deterministically.
  AlertStoreWriter writer(*store_, {.queue_capacity = 3}, clock_, metrics_);
  for (int n = 0; n < 5; ++n) writer.deliver(alert_at(n, "2026-12-08T01:00:00.000+0000"));
  EXPECT_EQ(metrics_.counter("herald_alerts_lost_total", "", {"output"}, {"store"}).value(), 2u);
  writer.start();
  writer.stop();
  EXPECT_EQ(stored(), 3);
}

TEST_F(AlertStoreWriterTest, PurgeDeletesAlertsOlderThanTheRetentionInBatches) {
  AlertStoreWriter writer(*store_, {.retention_seconds = 86'400, .purge_batch = 2}, clock_, metrics_);
  writer.start();
  for (int n = 0; n < 5; ++n) writer.deliver(alert_at(n, "2026-12-06T01:00:00.000+0000"));  // two days old
  writer.deliver(alert_at(9, "2026-12-08T00:59:00.000+0000"));
  writer.stop();
  ASSERT_EQ(stored(), 6);
  EXPECT_EQ(writer.purge_expired(), 5);
  EXPECT_EQ(stored(), 1);
  EXPECT_EQ(metrics_.counter("herald_alerts_purged_total", "").value(), 5u);
}

}  // namespace
}  // namespace herald::engine
