// GET /alerts parameters: each filter into the store query, and every bad value a 400 that names
// the parameter.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/alert_query_params.h"
#include "core/field_limits.h"

namespace herald::api {
namespace {

namespace json = boost::json;

using Parameters = std::vector<std::pair<std::string, std::string>>;

std::variant<store::AlertQuery, http::Response> parse(Parameters parameters) {
  http::Request request;
  request.method = http::Method::get;
  request.path = "/alerts";
  request.query = std::move(parameters);
  return parse_alert_query(request);
}

store::AlertQuery accepted(Parameters parameters) {
  auto parsed = parse(std::move(parameters));
  if (auto* reply = std::get_if<http::Response>(&parsed)) {
    ADD_FAILURE() << reply->body;
    return {};
  }
  return std::get<store::AlertQuery>(parsed);
}

void expect_refused(Parameters parameters, const std::string& expected) {
  auto parsed = parse(std::move(parameters));
  ASSERT_TRUE(std::holds_alternative<http::Response>(parsed));
  const auto& reply = std::get<http::Response>(parsed);
  EXPECT_EQ(reply.status, 400u);
  std::string detail(json::parse(reply.body).at("detail").as_string());
  EXPECT_NE(detail.find(expected), std::string::npos) << detail;
}

TEST(AlertQueryParams, DefaultsAreNewestFirstHundredPerPageNoFilter) {
  auto query = accepted({});
  EXPECT_EQ(query.sort, store::AlertQuery::Sort::newest_first);
  EXPECT_EQ(query.limit, 100);
  EXPECT_EQ(query.offset, 0);
  EXPECT_FALSE(query.from_ms || query.to_ms || query.min_level || query.rule_id || query.group || query.agent_id ||
               query.search);
}

TEST(AlertQueryParams, EveryFilterReachesTheQuery) {
  auto query = accepted({{"from", "2026-12-08T01:00:00Z"},
                         {"to", "1796700000"},
                         {"level", "7"},
                         {"rule_id", "5710"},
                         {"group", "sshd"},
                         {"agent_id", "001"},
                         {"search", "Invalid user"},
                         {"offset", "20"},
                         {"limit", "500"},
                         {"sort", "-level"}});
  EXPECT_EQ(query.from_ms, 1'796'691'600'000);
  EXPECT_EQ(query.to_ms, 1'796'700'000'000);
  EXPECT_EQ(query.min_level, 7);
  EXPECT_EQ(query.rule_id, 5710);
  EXPECT_EQ(query.group, "sshd");
  EXPECT_EQ(query.agent_id, "001");
  EXPECT_EQ(query.search, "Invalid user");
  EXPECT_EQ(query.offset, 20);
  EXPECT_EQ(query.limit, 500);
  EXPECT_EQ(query.sort, store::AlertQuery::Sort::highest_level);
}

TEST(AlertQueryParams, TimesInEveryAcceptedSpelling) {
  EXPECT_EQ(parse_alert_time("2026-12-08T01:00:00Z"), 1'796'691'600'000);
  EXPECT_EQ(parse_alert_time("2026-12-08T01:00:00.25Z"), 1'796'691'600'250);
  EXPECT_EQ(parse_alert_time("2026-12-08T02:00:00.250+0100"), 1'796'691'600'250);  // as alerts carry it
  EXPECT_EQ(parse_alert_time("2026-12-08T02:00:00.250 0100"), 1'796'691'600'250);  // '+' sent unencoded
  EXPECT_EQ(parse_alert_time("1796691600"), 1'796'691'600'000);
  EXPECT_FALSE(parse_alert_time("yesterday"));
  EXPECT_FALSE(parse_alert_time("-5"));
  EXPECT_FALSE(parse_alert_time("2026-12-08T01:00:00.xZ"));
  EXPECT_FALSE(parse_alert_time(""));
}

TEST(AlertQueryParams, SortSpellings) {
  EXPECT_EQ(accepted({{"sort", "-timestamp"}}).sort, store::AlertQuery::Sort::newest_first);
  EXPECT_EQ(accepted({{"sort", "+timestamp"}}).sort, store::AlertQuery::Sort::oldest_first);
  EXPECT_EQ(accepted({{"sort", "timestamp"}}).sort, store::AlertQuery::Sort::oldest_first);
}

TEST(AlertQueryParams, BadValuesAreRefusedNamingTheParameter) {
  expect_refused({{"from", "last week"}}, "from must be an ISO-8601");
  expect_refused({{"to", "12:00"}}, "to must be an ISO-8601");
  expect_refused({{"from", "1796691600"}, {"to", "1796691599"}}, "from must not be after to");
  expect_refused({{"level", "17"}}, "level must be an integer from 0 to 16");
  expect_refused({{"level", "high"}}, "level must be");
  expect_refused({{"rule_id", "0"}}, "rule_id must be a positive integer");
  expect_refused({{"rule_id", "5710x"}}, "rule_id must be");
  expect_refused({{"limit", "501"}}, "limit must be an integer from 1 to 500");
  expect_refused({{"limit", "0"}}, "limit must be");
  expect_refused({{"offset", "-1"}}, "offset must be a non-negative integer");
  expect_refused({{"sort", "+level"}}, "sort must be -timestamp, +timestamp or -level");
  expect_refused({{"group", ""}}, "group must not be empty");
  expect_refused({{"search", std::string(core::kMaxShortText + 1, 'a')}}, "search may be at most");
}

}  // namespace
}  // namespace herald::api
