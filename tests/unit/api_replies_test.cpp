// The reply helpers of the HTTP API: a store failure on a read route never shows the store's own
// text (issue 18, finding 4: "SQLite prepare: Expression tree is too large" reached the client).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/replies.h"

namespace herald::api {
namespace {

namespace json = boost::json;

TEST(ApiReplies, StoreFailureIsAGeneric503WhateverTheStoreSaid) {
  for (const auto& error : {core::internal_error("SQLite prepare: Expression tree is too large (maximum depth 1000)"),
                            core::unavailable("could not connect to server: Connection refused host=db1 port=5432"),
                            core::invalid_argument("ERROR: stack depth limit exceeded at SELECT a.id FROM agent a"),
                            core::not_found("no such table: agent")}) {
    auto reply = store_failure_reply(error, "GET /agents");
    EXPECT_EQ(reply.status, 503u) << error.message;
    auto body = json::parse(reply.body).as_object();
    EXPECT_EQ(body.at("title").as_string(), "Service Unavailable");
    EXPECT_FALSE(std::string(body.at("detail").as_string()).empty());
    for (const char* leak : {"SQLite", "Expression", "connect", "host=", "SELECT", "table", "agent"}) {
      EXPECT_EQ(reply.body.find(leak), std::string::npos) << leak << " in " << reply.body;
    }
    bool retry_after = false;
    for (const auto& [name, value] : reply.headers) retry_after |= name == "Retry-After";
    EXPECT_TRUE(retry_after);
  }
}

TEST(ApiReplies, ErrorReplyStillMapsClientErrors) {
  EXPECT_EQ(error_reply(core::invalid_argument("bad")).status, 400u);
  EXPECT_EQ(error_reply(core::not_found("none")).status, 404u);
  EXPECT_EQ(error_reply(core::unavailable("down")).status, 503u);
}

TEST(ApiReplies, AnInternalErrorsTextNeverReachesTheClient) {
  auto reply = error_reply(core::internal_error("SQLite step: database disk image is malformed"));
  EXPECT_EQ(reply.status, 500u);
  EXPECT_EQ(reply.body.find("SQLite"), std::string::npos) << reply.body;
  EXPECT_EQ(reply.body.find("malformed"), std::string::npos) << reply.body;
}

}  // namespace
}  // namespace herald::api
