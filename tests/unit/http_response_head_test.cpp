// The reply head the session writes: exact bytes for the common cases, and no way for a
// handler's header to change the framing or split the reply.
#include "http/response_head.h"

#include <gtest/gtest.h>

namespace herald::http::detail {
namespace {

std::string head_of(const Response& response, unsigned version = 11, bool keep_alive = true) {
  std::string out = "left over from the previous reply";
  write_response_head(response, version, keep_alive, out);
  return out;
}

TEST(HttpResponseHead, JsonReply) {
  Response response;
  response.body = R"({"a":1})";
  EXPECT_EQ(head_of(response),
            "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n");
  EXPECT_TRUE(sends_body(response, false));
}

TEST(HttpResponseHead, ConnectionFollowsTheVersion) {
  Response response;
  response.content_type = {};
  EXPECT_EQ(head_of(response, 11, false), "HTTP/1.1 200 OK\r\nServer: herald\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head_of(response, 10, true),
            "HTTP/1.0 200 OK\r\nServer: herald\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(head_of(response, 10, false), "HTTP/1.0 200 OK\r\nServer: herald\r\nContent-Length: 0\r\n\r\n");
}

TEST(HttpResponseHead, HeadKeepsTheLengthAndBodilessStatusesHaveNone) {
  Response response;
  response.body = "12345";
  EXPECT_NE(head_of(response, 11, true).find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_FALSE(sends_body(response, true));
  response.status = 204;
  EXPECT_EQ(head_of(response), "HTTP/1.1 204 No Content\r\nServer: herald\r\n\r\n");
  EXPECT_FALSE(sends_body(response, false));
  response.status = 304;
  EXPECT_EQ(head_of(response).find("Content-"), std::string::npos);
}

TEST(HttpResponseHead, HandlerHeadersCannotTouchTheFraming) {
  Response response;
  response.body = "ok";
  response.headers = {{"Retry-After", "1"},
                      {"Content-Length", "999"},
                      {"transfer-encoding", "chunked"},
                      {"Connection", "close"},
                      {"X-Split", "a\r\nSet-Cookie: evil=1"},
                      {"X-Nul", std::string("a\0b", 3)},
                      {"Bad Name", "x"},
                      {"", "x"},
                      {"Content-Type", "text/plain"}};
  EXPECT_EQ(head_of(response), "HTTP/1.1 200 OK\r\nServer: herald\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 2\r\n\r\n");
}

TEST(HttpResponseHead, StatusesOutsideTheRangeBecome500) {
  Response response;
  response.status = 42;
  EXPECT_EQ(head_of(response).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
  response.status = 429;
  EXPECT_EQ(head_of(response).rfind("HTTP/1.1 429 Too Many Requests\r\n", 0), 0u);
}

}  // namespace
}  // namespace herald::http::detail
