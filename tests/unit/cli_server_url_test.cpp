// Base URLs of the Management API and the request targets built on them.
#include <gtest/gtest.h>

#include "cli/failure.h"
#include "cli/server_url.h"

namespace herald::cli {
namespace {

TEST(CliServerUrl, ParsesSchemeHostPortAndPath) {
  auto plain = parse_server_url("http://127.0.0.1:55000");
  EXPECT_FALSE(plain.tls);
  EXPECT_EQ(plain.host, "127.0.0.1");
  EXPECT_EQ(plain.port, "55000");
  EXPECT_EQ(plain.host_header, "127.0.0.1:55000");
  EXPECT_EQ(plain.base_path, "");

  auto secure = parse_server_url("https://herald.example.com/api/");
  EXPECT_TRUE(secure.tls);
  EXPECT_EQ(secure.host, "herald.example.com");
  EXPECT_EQ(secure.port, "443");
  EXPECT_EQ(secure.host_header, "herald.example.com");
  EXPECT_EQ(secure.base_path, "/api");

  EXPECT_EQ(parse_server_url("http://h").port, "80");
  auto v6 = parse_server_url("http://[::1]:8080");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.host_header, "[::1]:8080");
}

TEST(CliServerUrl, RejectsWhatIsNotABaseUrl) {
  for (const char* text : {"", "127.0.0.1:55000", "ftp://h/", "http://", "http://user:pw@h/", "http://h/?x=1",
                           "http://h/#top", "not a url"}) {
    SCOPED_TRACE(text);
    try {
      (void)parse_server_url(text);
      ADD_FAILURE() << "accepted";
    } catch (const Failure& failure) {
      EXPECT_EQ(failure.code(), ExitCode::bad_arguments);
    }
  }
}

TEST(CliServerUrl, BuildsTargetsWithEncodedQueriesAndSkipsEmptyValues) {
  auto server = parse_server_url("http://h:1");
  EXPECT_EQ(request_target(server, "/agents"), "/agents");
  EXPECT_EQ(request_target(server, "/agents", {{"status", "active,pending"}, {"group", ""}, {"limit", "5"}}),
            "/agents?status=active,pending&limit=5");
  auto with_q = request_target(server, "/agents", {{"q", "name=a b&c;os.platform~lin"}});
  EXPECT_EQ(with_q.find(' '), std::string::npos) << with_q;
  EXPECT_NE(with_q.find("%26"), std::string::npos) << with_q;  // '&' inside a value is encoded

  auto prefixed = parse_server_url("https://h/herald");
  EXPECT_EQ(request_target(prefixed, "/orders/1-2"), "/herald/orders/1-2");
}

TEST(CliServerUrl, PathSegmentsAreEncoded) {
  EXPECT_EQ(path_segment("web-01.x_y"), "web-01.x_y");
  EXPECT_EQ(path_segment("a/b"), "a%2Fb");
  EXPECT_EQ(path_segment("a b"), "a%20b");
  EXPECT_EQ(path_segment("a?b#"), "a%3Fb%23");
}

}  // namespace
}  // namespace herald::cli
