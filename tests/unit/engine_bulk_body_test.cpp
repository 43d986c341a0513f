#include <gtest/gtest.h>

#include "engine/bulk_body.h"

namespace herald::engine {
namespace {

TEST(BulkBody, IndexNameIsTheUtcDateOfTheAlert) {
  // 2026-12-08T00:00:00Z and one second before it.
  EXPECT_EQ(index_name("wazuh-alerts-4.x-%Y.%m.%d", 1796688000), "wazuh-alerts-4.x-2026.12.08");
  EXPECT_EQ(index_name("wazuh-alerts-4.x-%Y.%m.%d", 1796687999), "wazuh-alerts-4.x-2026.12.07");
  EXPECT_EQ(index_name("wazuh-alerts-4.x-%Y.%m.%d", 0), "wazuh-alerts-4.x-1970.01.01");
  EXPECT_EQ(index_name("a-%Y-%m", 951782400), "a-2000-02");  // 2000-02-29 (leap day)
  EXPECT_EQ(index_name("x-%d", 951782400), "x-29");
  EXPECT_EQ(index_name("fixed", 951782400), "fixed");
  EXPECT_EQ(index_name("p%%-%Y", 951782400), "p%-2000");
}

TEST(BulkBody, IndexPatternsTheIndexerWouldRefuseAreErrors) {
  EXPECT_TRUE(check_index_pattern("wazuh-alerts-4.x-%Y.%m.%d"));
  EXPECT_TRUE(check_index_pattern("alerts"));
  EXPECT_FALSE(check_index_pattern(""));
  EXPECT_FALSE(check_index_pattern("Alerts-%Y"));
  EXPECT_FALSE(check_index_pattern("alerts %Y"));
  EXPECT_FALSE(check_index_pattern("alerts-%H"));
  EXPECT_FALSE(check_index_pattern("alerts-%"));
  EXPECT_FALSE(check_index_pattern("al\"erts"));
}

TEST(BulkBody, AlertIdsCarryTheirSecond) {
  EXPECT_EQ(alert_epoch_seconds("1796688000.12345"), 1796688000);
  EXPECT_EQ(alert_epoch_seconds("1796688000"), 1796688000);
  EXPECT_EQ(alert_epoch_seconds(""), -1);
  EXPECT_EQ(alert_epoch_seconds("x.1"), -1);
}

TEST(BulkBody, EachAlertIsAnIndexActionLineThenTheDocumentLine) {
  std::string body;
  append_bulk_item(body, "wazuh-alerts-4.x-2026.12.08", R"({"id":"1.1","rule":{"level":5}})");
  append_bulk_item(body, "wazuh-alerts-4.x-2026.12.09", R"({"id":"2.2"})");
  EXPECT_EQ(body,
            "{\"index\":{\"_index\":\"wazuh-alerts-4.x-2026.12.08\"}}\n"
            "{\"id\":\"1.1\",\"rule\":{\"level\":5}}\n"
            "{\"index\":{\"_index\":\"wazuh-alerts-4.x-2026.12.09\"}}\n"
            "{\"id\":\"2.2\"}\n");
}

TEST(BulkBody, ResponsesAreReadItemByItem) {
  auto all_good = parse_bulk_response(
      R"({"took":3,"errors":false,"items":[{"index":{"_index":"a","status":201}},{"index":{"status":200}}]})");
  ASSERT_TRUE(all_good);
  EXPECT_FALSE(all_good->errors);
  ASSERT_EQ(all_good->items.size(), 2u);
  EXPECT_EQ(all_good->items[0].status, 201u);
  EXPECT_EQ(all_good->items[1].status, 200u);

  auto mixed = parse_bulk_response(
      R"({"errors":true,"items":[{"index":{"status":201}},)"
      R"({"index":{"status":429,"error":{"type":"es_rejected_execution_exception","reason":"queue full"}}},)"
      R"({"index":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad field"}}}]})");
  ASSERT_TRUE(mixed);
  EXPECT_TRUE(mixed->errors);
  ASSERT_EQ(mixed->items.size(), 3u);
  EXPECT_EQ(mixed->items[1].status, 429u);
  EXPECT_EQ(mixed->items[1].error, "es_rejected_execution_exception: queue full");
  EXPECT_EQ(mixed->items[2].error, "mapper_parsing_exception: bad field");
  EXPECT_TRUE(retryable_status(429));
  EXPECT_TRUE(retryable_status(503));
  EXPECT_FALSE(retryable_status(400));
  EXPECT_FALSE(retryable_status(409));
}

TEST(BulkBody, RepliesThatDoNotSayWhatHappenedAreErrors) {
  EXPECT_FALSE(parse_bulk_response("not json"));
  EXPECT_FALSE(parse_bulk_response("[]"));
  EXPECT_FALSE(parse_bulk_response(R"({"errors":false})"));
  EXPECT_FALSE(parse_bulk_response(R"({"items":[{"index":{}}]})"));
  EXPECT_FALSE(parse_bulk_response(R"({"items":[5]})"));
}

}  // namespace
}  // namespace herald::engine
