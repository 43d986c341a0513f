#pragma once
// The sessions of wazuh-logtest (PUT /logtest): a token names an Analyzer of its own, so the
// correlation state (frequency windows, previous events, first-time-seen) carries from one
// request of the session to the next and never mixes with the agents' analysis or another
// session. Limits are Wazuh's defaults (<rule_test> max_sessions 64, session_timeout 900 s):
// a session idle that long expires, and opening one more than the limit closes the least
// recently used. Wazuh forgets such sessions without a word; the next request naming the token
// is told it expired (LOGTEST_WARN_TOKEN_EXPIRED) and gets a new session.
//
// Safe for concurrent use. Requests of one session run one at a time (LogtestSession::use).
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "analysis/analyzer.h"
#include "core/clock.h"

namespace herald::engine {

struct LogtestLimits {
  std::size_t max_sessions = 64;
  std::chrono::seconds idle_timeout{900};
};

class LogtestSession {
 public:
  LogtestSession(std::string token, analysis::AnalyzerOptions options)
      : token_(std::move(token)), options_(std::move(options)) {}
  LogtestSession(const LogtestSession&) = delete;
  LogtestSession& operator=(const LogtestSession&) = delete;

  const std::string& token() const { return token_; }

  // Runs `work(analyzer)` with the session's analyzer, alone: a second request of the same
  // session waits. The analyzer is built on first use; when `ruleset` is not the one it runs
  // (a reload), it switches to it and its correlation state restarts. Blocking: not for an
  // io thread.
  template <class Work>
  auto use(const std::shared_ptr<const analysis::Ruleset>& ruleset, Work&& work) {
    std::lock_guard lock(mutex_);
    if (!analyzer_) {
      analyzer_ = std::make_unique<analysis::Analyzer>(ruleset, options_);
    } else if (analyzer_->ruleset() != ruleset) {
      analyzer_->replace_ruleset(ruleset);
    }
    return work(*analyzer_);
  }

 private:
  const std::string token_;
  const analysis::AnalyzerOptions options_;
  std::mutex mutex_;
  std::unique_ptr<analysis::Analyzer> analyzer_;
};

class LogtestSessions {
 public:
  using TokenSource = std::function<std::string()>;
  // Wazuh's tokens: 8 lower-case hex digits of a random 32-bit number.
  static std::string random_token();
  static constexpr std::size_t kTokenLength = 8;

  LogtestSessions(const core::Clock& clock, analysis::AnalyzerOptions options, LogtestLimits limits = {},
                  TokenSource tokens = random_token);
  LogtestSessions(const LogtestSessions&) = delete;
  LogtestSessions& operator=(const LogtestSessions&) = delete;

  // The live session of `token`, marked as used now; null when there is none (never opened,
  // removed, expired or evicted).
  std::shared_ptr<LogtestSession> find(std::string_view token);
  // A new session with a fresh token, marked as used now. When the table is full the least
  // recently used session is closed first.
  std::shared_ptr<LogtestSession> open();
  // Closes the session; false when there is none. A request of it still running finishes.
  bool remove(std::string_view token);

  std::size_t size();

 private:
  struct Entry {
    std::shared_ptr<LogtestSession> session;
    core::TimePoint last_used;
  };
  // REQUIRES: mutex_ held.
  void expire_idle(core::TimePoint now);
  void evict_least_recently_used();

  const core::Clock& clock_;
  analysis::AnalyzerOptions options_;
  const LogtestLimits limits_;
  TokenSource tokens_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;
};

}  // namespace herald::engine
