#pragma once
// Remembers, for a short TTL, that a (user, password) pair passed verify_password, so that HTTP
// Basic auth on every request does not pay for a 210k-iteration PBKDF2 each time.
//
// The password is never stored: entries are keyed by HMAC-SHA256 of the length-prefixed
// (user, password) under a random per-process key, so a memory dump does not even yield fast
// offline-guessable SHA-256 digests. Only the user name is kept in clear (for forget_user).
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace herald::auth {

// Thread-safety: every member function is safe for concurrent use (one internal mutex). The
// Clock is borrowed and must outlive the cache.
//
// Memory: at most max_entries; remembering one more first drops expired entries, then the
// oldest remembered one.
class VerifiedCredentialCache {
 public:
  explicit VerifiedCredentialCache(const core::Clock& clock, std::chrono::seconds ttl = std::chrono::seconds{60},
                                   std::size_t max_entries = 10'000);

  VerifiedCredentialCache(const VerifiedCredentialCache&) = delete;
  VerifiedCredentialCache& operator=(const VerifiedCredentialCache&) = delete;

  // True if remember(user, password) was called less than `ttl` ago and the user has not been
  // forgotten since. Does not extend the entry's life.
  bool contains(std::string_view user, std::string_view password) const;

  // Records that (user, password) verified; the entry lives `ttl` from now.
  void remember(std::string_view user, std::string_view password);

  // Drops every entry for `user` (call on password change, user deletion, role change).
  void forget_user(std::string_view user);

  // Drops everything.
  void clear();

  // Entries held, expired or not (for tests).
  std::size_t size() const;

 private:
  struct Entry {
    std::string fingerprint;
    std::string user;
    core::TimePoint expires_at;
  };
  using Order = std::list<Entry>;  // front: oldest remembered

  std::string fingerprint(std::string_view user, std::string_view password) const;

  const core::Clock& clock_;
  const std::chrono::seconds ttl_;
  const std::size_t max_entries_;
  const std::string hmac_key_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string, Order::iterator> index_;
};

}  // namespace herald::auth
