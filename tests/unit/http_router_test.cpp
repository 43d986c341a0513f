#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>

#include "http/message.h"
#include "http/router.h"

namespace herald::http {
namespace {

Handler reply(std::string body) {
  return [body](Request&) -> boost::asio::awaitable<Response> {
    Response response;
    response.body = body;
    co_return response;
  };
}

Request request_for(Method method, std::string path) {
  Request request;
  request.method = method;
  request.path = std::move(path);
  return request;
}

TEST(HttpRouter, MatchesLiteralRoute) {
  Router router;
  router.add(Method::get, "/api/v1/agents", reply("agents"));
  auto request = request_for(Method::get, "/api/v1/agents");
  const auto match = router.match(request);
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_EQ(request.route, "/api/v1/agents");
  EXPECT_TRUE(request.path_params.empty());
}

TEST(HttpRouter, FillsCaptures) {
  Router router;
  router.add(Method::put, "/agents/{agent_id}/group/{group_id}", reply("x"));
  auto request = request_for(Method::put, "/agents/001/group/web servers");
  const auto match = router.match(request);
  ASSERT_NE(match.endpoint, nullptr);
  EXPECT_EQ(request.path_params.at("agent_id"), "001");
  EXPECT_EQ(request.path_params.at("group_id"), "web servers");
  EXPECT_EQ(request.route, "/agents/{agent_id}/group/{group_id}");
}

TEST(HttpRouter, CaptureNeedsNonEmptySegment) {
  Router router;
  router.add(Method::get, "/agents/{agent_id}", reply("x"));
  auto request = request_for(Method::get, "/agents/");
  EXPECT_EQ(router.match(request).endpoint, nullptr);
}

TEST(HttpRouter, UnknownPathIsNotMatched) {
  Router router;
  router.add(Method::get, "/a", reply("x"));
  auto request = request_for(Method::get, "/b");
  const auto match = router.match(request);
  EXPECT_EQ(match.endpoint, nullptr);
  EXPECT_FALSE(match.path_matched);
  EXPECT_EQ(request.route, "");
}

TEST(HttpRouter, OtherMethodReportsPathMatchedFor405) {
  Router router;
  router.add(Method::get, "/orders", reply("x"));
  auto request = request_for(Method::post, "/orders");
  const auto match = router.match(request);
  EXPECT_EQ(match.endpoint, nullptr);
  EXPECT_TRUE(match.path_matched);
}

TEST(HttpRouter, TrailingSlashIsDistinct) {
  Router router;
  router.add(Method::get, "/api/v1", reply("bare"));
  router.add(Method::get, "/api/v1/", reply("slash"));
  auto bare = request_for(Method::get, "/api/v1");
  auto slash = request_for(Method::get, "/api/v1/");
  router.match(bare);
  router.match(slash);
  EXPECT_EQ(bare.route, "/api/v1");
  EXPECT_EQ(slash.route, "/api/v1/");

  Router only_bare;
  only_bare.add(Method::get, "/api/v1", reply("bare"));
  auto unmatched = request_for(Method::get, "/api/v1/");
  EXPECT_EQ(only_bare.match(unmatched).endpoint, nullptr);
}

TEST(HttpRouter, RootRoute) {
  Router router;
  router.add(Method::get, "/", reply("root"));
  auto root = request_for(Method::get, "/");
  EXPECT_NE(router.match(root).endpoint, nullptr);
  auto other = request_for(Method::get, "/x");
  EXPECT_EQ(router.match(other).endpoint, nullptr);
}

TEST(HttpRouter, FirstRegistrationWins) {
  Router router;
  router.add(Method::get, "/agents/{id}", reply("capture"));
  router.add(Method::get, "/agents/summary", reply("literal"));
  auto request = request_for(Method::get, "/agents/summary");
  router.match(request);
  EXPECT_EQ(request.route, "/agents/{id}");
  EXPECT_EQ(request.path_params.at("id"), "summary");
}

TEST(HttpRequest, HeaderLookupIsCaseInsensitiveAndReturnsFirst) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Twice", "one"}, {"x-twice", "two"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_EQ(request.header("X-TWICE"), "one");
  EXPECT_FALSE(request.header("Authorization").has_value());
}

TEST(HttpRequest, QueryParamReturnsFirstValue) {
  Request request;
  request.query = {{"status", "pending"}, {"status", "sent"}, {"empty", ""}};
  EXPECT_EQ(request.query_param("status"), "pending");
  EXPECT_TRUE(request.has_query_param("empty"));
  EXPECT_EQ(request.query_param("empty"), "");
  EXPECT_FALSE(request.has_query_param("Status"));
}

}  // namespace
}  // namespace herald::http
