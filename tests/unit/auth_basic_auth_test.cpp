#include <gtest/gtest.h>

#include "auth/basic_auth.h"
#include "auth/secrets.h"

namespace herald::auth {
namespace {

using Credentials = std::pair<std::string, std::string>;

TEST(AuthBasicAuth, ParsesUserAndPassword) {
  EXPECT_EQ(parse_basic_authorization("Basic " + base64_encode("wazuh:wazuh")), Credentials("wazuh", "wazuh"));
  EXPECT_EQ(parse_basic_authorization("basic " + base64_encode("u:p")), Credentials("u", "p"));
  EXPECT_EQ(parse_basic_authorization("BASIC " + base64_encode("u:p")), Credentials("u", "p"));
  EXPECT_EQ(parse_basic_authorization("  Basic   " + base64_encode("u:p") + "  "), Credentials("u", "p"));
}

TEST(AuthBasicAuth, PasswordMayContainColonsAndBeEmpty) {
  EXPECT_EQ(parse_basic_authorization("Basic " + base64_encode("u:a:b:c")), Credentials("u", "a:b:c"));
  EXPECT_EQ(parse_basic_authorization("Basic " + base64_encode("u:")), Credentials("u", ""));
  EXPECT_EQ(parse_basic_authorization("Basic " + base64_encode(":p")), Credentials("", "p"));
  EXPECT_EQ(parse_basic_authorization("Basic " + base64_encode("ü:pässwörd")), Credentials("ü", "pässwörd"));
}

TEST(AuthBasicAuth, RejectsMalformed) {
  for (const std::string& bad : {std::string(), std::string("Basic"), std::string("Basic "),
                                 "Basic" + base64_encode("u:p"), "Bearer " + base64_encode("u:p"),
                                 "Basicx " + base64_encode("u:p"), "Basic " + base64_encode("nocolon"),
                                 std::string("Basic dTpw!"), std::string("Basic dTp"),
                                 "Basic " + base64_encode(std::string("u:p\0x", 5)),
                                 "Basic " + base64_encode("u:p\r\n"), "Basic " + base64_encode("u:p") + " extra"}) {
    EXPECT_FALSE(parse_basic_authorization(bad).has_value()) << bad;
  }
}

TEST(AuthBasicAuth, ParsesBearer) {
  EXPECT_EQ(parse_bearer("Bearer abc.def.ghi"), std::optional<std::string_view>("abc.def.ghi"));
  EXPECT_EQ(parse_bearer("bearer abc"), std::optional<std::string_view>("abc"));
  EXPECT_EQ(parse_bearer("BEARER   abc  "), std::optional<std::string_view>("abc"));
  for (const char* bad : {"", "Bearer", "Bearer ", "Bearer    ", "Bearerabc", "Basic abc", "Bearer a b",
                          "Bearer a\tb", "Token abc"}) {
    EXPECT_FALSE(parse_bearer(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace herald::auth
