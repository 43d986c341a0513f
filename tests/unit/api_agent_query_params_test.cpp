// GET /agents parameters: the bounds of core/field_limits.h on each of them (issue 18, finding 4),
// each a 400 that names the parameter and the limit, and the values at the limits accepted.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/agent_query_params.h"
#include "core/field_limits.h"

namespace herald::api {
namespace {

namespace json = boost::json;

using Parameters = std::vector<std::pair<std::string, std::string>>;

std::variant<AgentListRequest, http::Response> parse(Parameters parameters) {
  http::Request request;
  request.method = http::Method::get;
  request.path = "/agents";
  request.query = std::move(parameters);
  return parse_agent_list_request(request, 1'700'000'000);
}

void expect_refused(Parameters parameters, const std::vector<std::string>& expected) {
  auto parsed = parse(std::move(parameters));
  ASSERT_TRUE(std::holds_alternative<http::Response>(parsed));
  const auto& reply = std::get<http::Response>(parsed);
  EXPECT_EQ(reply.status, 400u);
  std::string detail(json::parse(reply.body).at("detail").as_string());
  for (const auto& text : expected) EXPECT_NE(detail.find(text), std::string::npos) << detail;
}

void expect_accepted(Parameters parameters) {
  auto parsed = parse(std::move(parameters));
  if (auto* reply = std::get_if<http::Response>(&parsed)) ADD_FAILURE() << reply->body;
}

std::string repeated(const std::string& item, std::size_t count, char separator = ',') {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += (i ? std::string(1, separator) : "") + item;
  return text;
}

TEST(ApiAgentQueryParams, FilterTextIsBounded) {
  const auto at = std::string(core::kMaxFilterLength, 'x');
  const auto over = at + "x";
  const auto limit = std::to_string(core::kMaxFilterLength);
  expect_accepted({{"search", at}});
  expect_refused({{"search", over}}, {"search", limit});
  expect_accepted({{"name", at}});
  expect_refused({{"name", over}}, {"name", limit});
  expect_refused({{"os.platform", over}}, {"os.platform", limit});
  expect_refused({{"q", "name=" + over}}, {"q", limit});
  expect_refused({{"q", repeated("id=a", core::kMaxFilterTerms + 1, ';')}},
                 {"q", std::to_string(core::kMaxFilterTerms)});
}

TEST(ApiAgentQueryParams, RepeatedFieldFiltersAddUp) {
  Parameters parameters(core::kMaxFilterTerms, {"name", "a"});
  expect_accepted(parameters);
  parameters.emplace_back("version", "1");
  expect_refused(parameters, {std::to_string(core::kMaxFilterTerms)});
}

TEST(ApiAgentQueryParams, ListsAreBounded) {
  expect_accepted({{"agents_list", std::string(core::kMaxShortText, 'a')}});
  expect_refused({{"agents_list", "a," + std::string(core::kMaxShortText + 1, 'a')}},
                 {"agents_list", std::to_string(core::kMaxShortText)});
  expect_refused({{"agents_list", repeated("a", core::kMaxListedAgents + 1)}},
                 {"agents_list", std::to_string(core::kMaxListedAgents)});
  expect_accepted({{"select", repeated("name", core::kMaxSelectFields)}});
  expect_refused({{"select", repeated("name", core::kMaxSelectFields + 1)}},
                 {"select", std::to_string(core::kMaxSelectFields)});
  expect_accepted({{"sort", repeated("-name", core::kMaxSortKeys)}});
  expect_refused({{"sort", repeated("-name", core::kMaxSortKeys + 1)}}, {"sort", std::to_string(core::kMaxSortKeys)});
}

}  // namespace
}  // namespace herald::api
