#pragma once
// Brute-force brake for authentication endpoints: after too many failures from one key (a client
// address) within a window, that key is blocked for a lockout period.
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace herald::auth {

struct FailureRateLimitPolicy {
  int max_failures = 10;                 // failures within `window` that trigger a lockout
  std::chrono::seconds window{60};       // a failure older than this no longer counts
  std::chrono::seconds lockout{60};      // how long a key stays blocked
  std::size_t max_keys = 100'000;        // memory bound (see FailureRateLimiter)
};

// Thread-safety: every member function is safe for concurrent use (one internal mutex, O(1)
// work per call). The Clock is borrowed and must outlive the limiter.
//
// Memory: at most policy.max_keys entries. Entries whose window and lockout have both passed
// are dropped as new keys arrive; if the table is still full, the key whose last failure is
// oldest is forgotten (so an attacker needs more than max_keys addresses to lose a lockout,
// and memory never grows without bound).
class FailureRateLimiter {
 public:
  explicit FailureRateLimiter(const core::Clock& clock, FailureRateLimitPolicy policy = {});

  FailureRateLimiter(const FailureRateLimiter&) = delete;
  FailureRateLimiter& operator=(const FailureRateLimiter&) = delete;

  // True while `key` is locked out. Callers reject the request without checking credentials.
  bool is_blocked(std::string_view key) const;

  // Counts one failed attempt; the max_failures-th within the window starts the lockout.
  // Failures recorded while blocked do not extend the lockout.
  struct Failure {
    int failures_in_window;  // this one included; max_failures once locked out
    bool locked_out_now;     // this failure started the lockout
  };
  Failure record_failure(std::string_view key);

  const FailureRateLimitPolicy& policy() const { return policy_; }

  // A successful authentication clears the key's history (and any lockout).
  void record_success(std::string_view key);

  // Whole seconds (rounded up) until `key` is unblocked; 0 when it is not blocked. Suitable for a
  // Retry-After header.
  std::chrono::seconds retry_after(std::string_view key) const;

  // Number of keys currently tracked (for tests and metrics).
  std::size_t tracked_keys() const;

 private:
  struct Entry {
    std::string key;
    int failures = 0;
    core::TimePoint window_start{};
    core::TimePoint blocked_until{};
    core::TimePoint last_failure{};
  };
  using Order = std::list<Entry>;  // front: most recent failure

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  bool is_stale(const Entry& entry, core::TimePoint now) const;
  void make_room(core::TimePoint now);  // REQUIRES: mutex_ held

  const core::Clock& clock_;
  const FailureRateLimitPolicy policy_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string, Order::iterator, StringHash, std::equal_to<>> index_;
};

}  // namespace herald::auth
