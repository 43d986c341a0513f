// alerts.retention and alerts.retention_interval: the stored alerts' purge (README "Searching alerts").
#include <gtest/gtest.h>

#include "app/config.h"

namespace herald::app {
namespace {

TEST(AlertsRetentionConfig, DefaultsToThirtyDaysPurgedEveryTenMinutes) {
  auto defaults = parse_config("data_dir: /d\n");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->alerts.retention_seconds, 30 * 86400);
  EXPECT_EQ(defaults->alerts.retention_interval_seconds, 600);
}

TEST(AlertsRetentionConfig, DurationsAreReadAndBadOnesNamed) {
  auto config = parse_config("alerts: {retention: 7d, retention_interval: 30s}\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->alerts.retention_seconds, 7 * 86400);
  EXPECT_EQ(config->alerts.retention_interval_seconds, 30);
  auto bad = parse_config("alerts: {retention: soon}\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("alerts.retention"), std::string::npos) << bad.error().message;
  auto zero = parse_config("alerts: {retention_interval: 0s}\n");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("alerts.retention_interval"), std::string::npos) << zero.error().message;
}

}  // namespace
}  // namespace herald::app
