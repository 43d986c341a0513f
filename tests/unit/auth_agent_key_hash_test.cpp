#include <gtest/gtest.h>

#include "auth/agent_key_hash.h"
#include "auth/secrets.h"

namespace herald::auth {
namespace {

TEST(AuthAgentKeyHash, RoundTripAndFormat) {
  const std::string key = random_alnum(32);
  const std::string encoded = hash_agent_key(key);
  ASSERT_TRUE(encoded.starts_with("sha256$")) << encoded;
  const std::string_view rest = std::string_view(encoded).substr(7);
  const std::size_t dollar = rest.find('$');
  ASSERT_NE(dollar, std::string_view::npos);
  const auto salt = base64_decode(rest.substr(0, dollar));
  const auto digest = base64_decode(rest.substr(dollar + 1));
  ASSERT_TRUE(salt && digest);
  EXPECT_EQ(salt->size(), 16u);
  EXPECT_EQ(*digest, sha256(*salt + key));
  EXPECT_TRUE(verify_agent_key(key, encoded));
}

TEST(AuthAgentKeyHash, WrongKeyAndSaltUniqueness) {
  const std::string encoded = hash_agent_key("0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(verify_agent_key("0123456789abcdef0123456789abcdeF", encoded));
  EXPECT_FALSE(verify_agent_key("", encoded));
  EXPECT_NE(hash_agent_key("k"), hash_agent_key("k"));
}

TEST(AuthAgentKeyHash, MalformedIsFalse) {
  const std::string encoded = hash_agent_key("key");
  for (const std::string& bad : {std::string(), std::string("sha256$"), std::string("sha256$$"),
                                 "sha512" + encoded.substr(6), encoded + "$", encoded + "A",
                                 "sha256$" + encoded.substr(encoded.rfind('$') + 1),
                                 "sha256$AAAA$" + encoded.substr(encoded.rfind('$') + 1)}) {
    EXPECT_FALSE(verify_agent_key("key", bad)) << bad;
  }
}

// A Wazuh 4.x agent's row stores no hash ("" ): no key, not even the empty one, authenticates it
// on the comms API.
TEST(AuthAgentKeyHash, AnEmptyStoredHashRefusesEveryKey) {
  for (const std::string& key : {std::string(), std::string("key"), hash_agent_key(""), std::string("sha256$")}) {
    EXPECT_FALSE(verify_agent_key(key, "")) << key;
  }
}

}  // namespace
}  // namespace herald::auth
