#include "engine/logtest_sessions.h"

#include <algorithm>

#include "auth/secrets.h"

namespace herald::engine {

std::string LogtestSessions::random_token() {
  return auth::random_hex(kTokenLength / 2);
}

LogtestSessions::LogtestSessions(const core::Clock& clock, analysis::AnalyzerOptions options, LogtestLimits limits,
                                 TokenSource tokens)
    : clock_(clock), options_(std::move(options)), limits_(limits), tokens_(std::move(tokens)) {
  // Each session numbers its own alert ids: the counter the options may point to belongs to
  // the analysis workers, which can go away before a session does.
  options_.alert_sequence = nullptr;
}

std::shared_ptr<LogtestSession> LogtestSessions::find(std::string_view token) {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  expire_idle(now);
  auto found = sessions_.find(std::string(token));
  if (found == sessions_.end()) return nullptr;
  found->second.last_used = now;
  return found->second.session;
}

std::shared_ptr<LogtestSession> LogtestSessions::open() {
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  expire_idle(now);
  while (!sessions_.empty() && sessions_.size() >= limits_.max_sessions) evict_least_recently_used();
  std::string token = tokens_();
  // A 32-bit token can repeat; a live session keeps its own.
  for (int attempt = 0; sessions_.contains(token) && attempt < 16; ++attempt) token = tokens_();
  if (sessions_.contains(token)) return nullptr;
  auto session = std::make_shared<LogtestSession>(token, options_);
  sessions_.emplace(std::move(token), Entry{session, now});
  return session;
}

bool LogtestSessions::remove(std::string_view token) {
  std::lock_guard lock(mutex_);
  expire_idle(clock_.now());
  return sessions_.erase(std::string(token)) > 0;
}

std::size_t LogtestSessions::size() {
  std::lock_guard lock(mutex_);
  expire_idle(clock_.now());
  return sessions_.size();
}

void LogtestSessions::expire_idle(core::TimePoint now) {
  std::erase_if(sessions_, [&](const auto& item) { return now - item.second.last_used >= limits_.idle_timeout; });
}

void LogtestSessions::evict_least_recently_used() {
  auto oldest = std::min_element(sessions_.begin(), sessions_.end(),
                                 [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
  sessions_.erase(oldest);
}

}  // namespace herald::engine
