#include <gtest/gtest.h>

#include <thread>

#include "auth/credential_cache.h"

namespace herald::auth {
namespace {

using namespace std::chrono_literals;

TEST(AuthCredentialCache, RemembersForTtl) {
  core::ManualClock clock;
  VerifiedCredentialCache cache(clock, 60s);
  EXPECT_FALSE(cache.contains("alice", "pw"));
  cache.remember("alice", "pw");
  EXPECT_TRUE(cache.contains("alice", "pw"));
  EXPECT_FALSE(cache.contains("alice", "pw2"));
  EXPECT_FALSE(cache.contains("bob", "pw"));
  clock.advance(59s);
  EXPECT_TRUE(cache.contains("alice", "pw"));
  clock.advance(1s);
  EXPECT_FALSE(cache.contains("alice", "pw"));
  cache.remember("alice", "pw");  // refreshed
  clock.advance(30s);
  EXPECT_TRUE(cache.contains("alice", "pw"));
}

TEST(AuthCredentialCache, SplitBetweenUserAndPasswordMatters) {
  core::ManualClock clock;
  VerifiedCredentialCache cache(clock);
  cache.remember("a:b", "c");
  EXPECT_FALSE(cache.contains("a", "b:c"));
  cache.remember(std::string_view("a\0", 2), "b");
  EXPECT_FALSE(cache.contains("a", std::string_view("\0b", 2)));
}

TEST(AuthCredentialCache, ForgetUser) {
  core::ManualClock clock;
  VerifiedCredentialCache cache(clock);
  cache.remember("alice", "old");
  cache.remember("alice", "new");
  cache.remember("bob", "pw");
  cache.forget_user("alice");
  EXPECT_FALSE(cache.contains("alice", "old"));
  EXPECT_FALSE(cache.contains("alice", "new"));
  EXPECT_TRUE(cache.contains("bob", "pw"));
  cache.clear();
  EXPECT_FALSE(cache.contains("bob", "pw"));
}

TEST(AuthCredentialCache, BoundedEvictsOldestAndExpired) {
  core::ManualClock clock;
  VerifiedCredentialCache cache(clock, 60s, 3);
  cache.remember("u1", "p");
  cache.remember("u2", "p");
  cache.remember("u3", "p");
  cache.remember("u4", "p");
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.contains("u1", "p"));
  EXPECT_TRUE(cache.contains("u4", "p"));
  cache.remember("u2", "p");  // refresh moves u2 to the newest end
  cache.remember("u5", "p");
  EXPECT_FALSE(cache.contains("u3", "p"));
  EXPECT_TRUE(cache.contains("u2", "p"));
  clock.advance(61s);
  cache.remember("u6", "p");
  EXPECT_EQ(cache.size(), 1u);
}

TEST(AuthCredentialCache, ConcurrentUse) {
  core::ManualClock clock;
  VerifiedCredentialCache cache(clock, 60s, 100);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string user = "u" + std::to_string((i * 7 + t) % 150);
        cache.remember(user, "pw");
        (void)cache.contains(user, "pw");
        if (i % 50 == 0) cache.forget_user(user);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 100u);
}

}  // namespace
}  // namespace herald::auth
