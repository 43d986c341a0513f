#include "auth/rate_limiter.h"

namespace herald::auth {

FailureRateLimiter::FailureRateLimiter(const core::Clock& clock, FailureRateLimitPolicy policy)
    : clock_(clock), policy_(policy) {}

bool FailureRateLimiter::is_stale(const Entry& entry, core::TimePoint now) const {
  return entry.blocked_until <= now && now - entry.window_start >= policy_.window;
}

bool FailureRateLimiter::is_blocked(std::string_view key) const {
  return retry_after(key).count() > 0;
}

std::chrono::seconds FailureRateLimiter::retry_after(std::string_view key) const {
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end() || found->second->blocked_until <= now) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(found->second->blocked_until - now);
}

FailureRateLimiter::Failure FailureRateLimiter::record_failure(std::string_view key) {
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    make_room(now);
    order_.push_front(Entry{std::string(key), 0, now, {}, now});
    found = index_.emplace(order_.front().key, order_.begin()).first;
  } else {
    order_.splice(order_.begin(), order_, found->second);  // now the most recent
  }
  Entry& entry = *found->second;
  entry.last_failure = now;
  if (entry.blocked_until > now) return Failure{policy_.max_failures, false};
  if (now - entry.window_start >= policy_.window) {
    entry.window_start = now;
    entry.failures = 0;
  }
  if (++entry.failures >= policy_.max_failures) {
    entry.blocked_until = now + policy_.lockout;
    entry.failures = 0;
    entry.window_start = now;
    return Failure{policy_.max_failures, true};
  }
  return Failure{entry.failures, false};
}

void FailureRateLimiter::record_success(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  if (found == index_.end()) return;
  order_.erase(found->second);
  index_.erase(found);
}

std::size_t FailureRateLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

void FailureRateLimiter::make_room(core::TimePoint now) {
  // The back holds the oldest failures: drop whatever is stale there, then, if still full, the
  // oldest entry regardless.
  while (!order_.empty() && is_stale(order_.back(), now)) {
    index_.erase(order_.back().key);
    order_.pop_back();
  }
  while (!order_.empty() && index_.size() >= policy_.max_keys) {
    index_.erase(order_.back().key);
    order_.pop_back();
  }
}

}  // namespace herald::auth
