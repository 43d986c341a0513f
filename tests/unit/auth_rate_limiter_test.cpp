#include <gtest/gtest.h>

#include <thread>

#include "auth/rate_limiter.h"

namespace herald::auth {
namespace {

using namespace std::chrono_literals;

TEST(AuthRateLimiter, EachFailureSaysItsCountAndWhichOneStartedTheLockout) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 3, .window = 60s, .lockout = 120s});
  auto first = limiter.record_failure("k");
  EXPECT_EQ(first.failures_in_window, 1);
  EXPECT_FALSE(first.locked_out_now);
  EXPECT_EQ(limiter.record_failure("k").failures_in_window, 2);
  auto third = limiter.record_failure("k");
  EXPECT_EQ(third.failures_in_window, 3);
  EXPECT_TRUE(third.locked_out_now);
  auto while_blocked = limiter.record_failure("k");
  EXPECT_FALSE(while_blocked.locked_out_now);
  clock.advance(121s);
  EXPECT_EQ(limiter.record_failure("k").failures_in_window, 1);
}

TEST(AuthRateLimiter, BlocksAfterMaxFailuresThenExpires) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 3, .window = 60s, .lockout = 120s});
  EXPECT_FALSE(limiter.is_blocked("1.2.3.4"));
  limiter.record_failure("1.2.3.4");
  limiter.record_failure("1.2.3.4");
  EXPECT_FALSE(limiter.is_blocked("1.2.3.4"));
  EXPECT_EQ(limiter.retry_after("1.2.3.4"), 0s);
  limiter.record_failure("1.2.3.4");
  EXPECT_TRUE(limiter.is_blocked("1.2.3.4"));
  EXPECT_FALSE(limiter.is_blocked("5.6.7.8"));
  EXPECT_EQ(limiter.retry_after("1.2.3.4"), 120s);

  clock.advance(std::chrono::microseconds(500'000));
  EXPECT_EQ(limiter.retry_after("1.2.3.4"), 120s);  // rounded up
  limiter.record_failure("1.2.3.4");                // does not extend the lockout
  clock.advance(119s);
  EXPECT_TRUE(limiter.is_blocked("1.2.3.4"));
  EXPECT_EQ(limiter.retry_after("1.2.3.4"), 1s);
  clock.advance(1s);
  EXPECT_FALSE(limiter.is_blocked("1.2.3.4"));
  EXPECT_EQ(limiter.retry_after("1.2.3.4"), 0s);
  // The count starts again from zero after a lockout.
  limiter.record_failure("1.2.3.4");
  limiter.record_failure("1.2.3.4");
  EXPECT_FALSE(limiter.is_blocked("1.2.3.4"));
}

TEST(AuthRateLimiter, FailuresOutsideTheWindowDoNotCount) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 3, .window = 60s, .lockout = 60s});
  limiter.record_failure("k");
  limiter.record_failure("k");
  clock.advance(60s);
  limiter.record_failure("k");
  EXPECT_FALSE(limiter.is_blocked("k"));
  limiter.record_failure("k");
  limiter.record_failure("k");
  EXPECT_TRUE(limiter.is_blocked("k"));
}

TEST(AuthRateLimiter, SuccessClearsHistoryAndLockout) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 2});
  limiter.record_failure("k");
  limiter.record_success("k");
  limiter.record_failure("k");
  EXPECT_FALSE(limiter.is_blocked("k"));
  limiter.record_failure("k");
  EXPECT_TRUE(limiter.is_blocked("k"));
  limiter.record_success("k");
  EXPECT_FALSE(limiter.is_blocked("k"));
  EXPECT_EQ(limiter.tracked_keys(), 0u);
}

TEST(AuthRateLimiter, DefaultPolicyIsTenPerMinute) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock);
  for (int i = 0; i < 9; ++i) limiter.record_failure("k");
  EXPECT_FALSE(limiter.is_blocked("k"));
  limiter.record_failure("k");
  EXPECT_TRUE(limiter.is_blocked("k"));
  EXPECT_EQ(limiter.retry_after("k"), 60s);
}

TEST(AuthRateLimiter, MemoryIsBounded) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 2, .window = 60s, .lockout = 60s, .max_keys = 100});
  limiter.record_failure("blocked");
  limiter.record_failure("blocked");
  for (int i = 0; i < 1000; ++i) limiter.record_failure("k" + std::to_string(i));
  EXPECT_LE(limiter.tracked_keys(), 100u);
  // Once everything is stale, new keys push the stale entries out instead of accumulating.
  clock.advance(61s);
  limiter.record_failure("fresh");
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(AuthRateLimiter, StaleEntriesArePrunedBeforeLiveOnes) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 2, .window = 60s, .lockout = 600s, .max_keys = 3});
  limiter.record_failure("old");
  clock.advance(30s);
  limiter.record_failure("attacker");
  limiter.record_failure("attacker");
  clock.advance(40s);  // "old" is stale now, "attacker" is locked out
  limiter.record_failure("a");
  limiter.record_failure("b");
  EXPECT_TRUE(limiter.is_blocked("attacker"));
  EXPECT_EQ(limiter.tracked_keys(), 3u);
}

TEST(AuthRateLimiter, ConcurrentUse) {
  core::ManualClock clock;
  FailureRateLimiter limiter(clock, {.max_failures = 1000000, .max_keys = 50});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const std::string key = "k" + std::to_string((i + t) % 80);
        limiter.record_failure(key);
        (void)limiter.is_blocked(key);
        if (i % 7 == 0) limiter.record_success(key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(limiter.tracked_keys(), 50u);
}

}  // namespace
}  // namespace herald::auth
