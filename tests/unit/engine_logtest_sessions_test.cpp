// The logtest session table: tokens, idle expiry, the session limit and least-recently-used
// eviction, on an injected clock.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "analysis/ruleset.h"
#include "engine/logtest_sessions.h"

namespace herald::engine {
namespace {

using std::chrono::seconds;

// Tokens "t0000000", "t0000001", ... so that a test knows which session is which.
LogtestSessions::TokenSource counting_tokens() {
  return [next = 0]() mutable {
    std::string number = std::to_string(next++);
    return "t" + std::string(7 - number.size(), '0') + number;
  };
}

TEST(LogtestSessions, RandomTokensAreEightHexDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto token = LogtestSessions::random_token();
    EXPECT_EQ(token.size(), 8u);
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << token;
    seen.insert(token);
  }
  EXPECT_GT(seen.size(), 45u);
}

TEST(LogtestSessions, AnOpenedSessionIsFoundByItsTokenUntilRemoved) {
  core::ManualClock clock;
  LogtestSessions sessions(clock, {}, {}, counting_tokens());
  auto session = sessions.open();
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->token(), "t0000000");
  EXPECT_EQ(sessions.find("t0000000"), session);
  EXPECT_EQ(sessions.find("t0000001"), nullptr);
  EXPECT_EQ(sessions.size(), 1u);
  EXPECT_TRUE(sessions.remove("t0000000"));
  EXPECT_FALSE(sessions.remove("t0000000"));
  EXPECT_EQ(sessions.find("t0000000"), nullptr);
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(LogtestSessions, AnIdleSessionExpiresAfterTheTimeoutAndUseKeepsItAlive) {
  core::ManualClock clock;
  LogtestSessions sessions(clock, {}, LogtestLimits{64, seconds(900)}, counting_tokens());
  sessions.open();  // t0000000, left idle
  sessions.open();  // t0000001, used
  clock.advance(seconds(600));
  ASSERT_NE(sessions.find("t0000001"), nullptr);
  clock.advance(seconds(299));
  EXPECT_EQ(sessions.size(), 2u) << "899 s idle is not expired";
  clock.advance(seconds(1));
  EXPECT_EQ(sessions.find("t0000000"), nullptr) << "900 s idle is expired (Wazuh's >=)";
  EXPECT_NE(sessions.find("t0000001"), nullptr) << "used 300 s ago";
  clock.advance(seconds(900));
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(LogtestSessions, OpeningBeyondTheLimitEvictsTheLeastRecentlyUsed) {
  core::ManualClock clock;
  LogtestSessions sessions(clock, {}, LogtestLimits{3, seconds(900)}, counting_tokens());
  for (int i = 0; i < 3; ++i) {
    ASSERT_NE(sessions.open(), nullptr);
    clock.advance(seconds(1));
  }
  // t0000000 is the oldest opened, but used last: t0000001 is the least recently used.
  ASSERT_NE(sessions.find("t0000000"), nullptr);
  clock.advance(seconds(1));
  auto fourth = sessions.open();
  ASSERT_NE(fourth, nullptr);
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions.find("t0000001"), nullptr);
  EXPECT_NE(sessions.find("t0000000"), nullptr);
  EXPECT_NE(sessions.find("t0000002"), nullptr);
  EXPECT_NE(sessions.find(fourth->token()), nullptr);
}

TEST(LogtestSessions, TheDefaultLimitIsWazuhs64) {
  core::ManualClock clock;
  LogtestSessions sessions(clock, {}, {}, counting_tokens());
  for (int i = 0; i < 100; ++i) {
    ASSERT_NE(sessions.open(), nullptr);
    clock.advance(seconds(1));
  }
  EXPECT_EQ(sessions.size(), 64u);
  EXPECT_EQ(sessions.find("t0000035"), nullptr);
  EXPECT_NE(sessions.find("t0000036"), nullptr);
}

TEST(LogtestSessions, ARepeatedTokenNeverReplacesALiveSession) {
  core::ManualClock clock;
  int calls = 0;
  LogtestSessions sessions(clock, {}, {},
                           [&calls] { return ++calls <= 2 ? std::string("aaaaaaaa") : std::string("bbbbbbbb"); });
  auto first = sessions.open();
  auto second = sessions.open();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->token(), "aaaaaaaa");
  EXPECT_EQ(second->token(), "bbbbbbbb");
  EXPECT_EQ(sessions.find("aaaaaaaa"), first);

  LogtestSessions stuck(clock, {}, {}, [] { return std::string("cccccccc"); });
  ASSERT_NE(stuck.open(), nullptr);
  EXPECT_EQ(stuck.open(), nullptr) << "no fresh token: no session rather than a shared one";
}

TEST(LogtestSessions, ConcurrentUseIsSafe) {
  core::ManualClock clock;
  LogtestSessions sessions(clock, {}, LogtestLimits{8, seconds(900)});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto session = sessions.open();
        if (session) {
          sessions.find(session->token());
          if (i % 3 == 0) sessions.remove(session->token());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(sessions.size(), 8u);
}

std::shared_ptr<const analysis::Ruleset> load_default_ruleset() {
  analysis::RulesetSources sources;
  EXPECT_TRUE(analysis::add_directory(sources, (std::filesystem::path(HERALD_SOURCE_DIR) / "ruleset").string(), {}));
  analysis::LoadWarnings warnings;
  auto loaded = analysis::Ruleset::load(sources, warnings);
  EXPECT_TRUE(loaded);
  return loaded ? *loaded : nullptr;
}

// The rule an sshd failure from 198.51.100.7 ends at in the session.
int failed_login(LogtestSession& session, const std::shared_ptr<const analysis::Ruleset>& ruleset, int port) {
  const std::string request = boost::json::serialize(
      boost::json::object{{"event", "Dec 12 10:00:00 srv01 sshd[1]: Failed password for root from 198.51.100.7 port " +
                                        std::to_string(port) + " ssh2"},
                          {"log_format", "syslog"},
                          {"location", "/var/log/auth.log"}});
  return session.use(ruleset, [&](analysis::Analyzer& analyzer) {
    auto trace = analyzer.trace_logtest(request, 1'765'534'530 + port);
    EXPECT_TRUE(trace);
    return trace ? trace->rule_id : -1;
  });
}

TEST(LogtestSession, KeepsCorrelationStateAndStartsOverOnANewRuleset) {
  const auto first = load_default_ruleset();
  const auto reloaded = load_default_ruleset();  // what a reload hands over: another Ruleset
  ASSERT_TRUE(first && reloaded);
  LogtestSession session("abcdef01", analysis::AnalyzerOptions{"manager", 3});
  for (int i = 0; i < 7; ++i) EXPECT_EQ(failed_login(session, first, i), 200201);
  EXPECT_EQ(failed_login(session, first, 7), 200220) << "the 8th failure of the session is a brute force";

  LogtestSession other("abcdef02", analysis::AnalyzerOptions{"manager", 3});
  for (int i = 0; i < 7; ++i) failed_login(other, first, i);
  EXPECT_EQ(failed_login(other, reloaded, 7), 200201) << "a new ruleset: the session works, its state restarts";
  for (int i = 8; i < 14; ++i) EXPECT_EQ(failed_login(other, reloaded, i), 200201);
  EXPECT_EQ(failed_login(other, reloaded, 14), 200220);
}

}  // namespace
}  // namespace herald::engine
