#include "auth/credential_cache.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "auth/secrets.h"

namespace herald::auth {

VerifiedCredentialCache::VerifiedCredentialCache(const core::Clock& clock, std::chrono::seconds ttl,
                                                 std::size_t max_entries)
    : clock_(clock), ttl_(ttl), max_entries_(max_entries == 0 ? 1 : max_entries), hmac_key_(random_bytes(32)) {}

std::string VerifiedCredentialCache::fingerprint(std::string_view user, std::string_view password) const {
  // Length-prefix the user so that ("a:b", "c") and ("a", "b:c") — or any split — differ.
  std::string message;
  message.reserve(8 + user.size() + password.size());
  std::uint64_t user_length = user.size();
  for (int shift = 56; shift >= 0; shift -= 8) message.push_back(static_cast<char>((user_length >> shift) & 0xff));
  message.append(user);
  message.append(password);

  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), hmac_key_.data(), static_cast<int>(hmac_key_.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(),
           reinterpret_cast<unsigned char*>(digest.data()), &length) == nullptr) {
    std::fputs("herald: HMAC-SHA256 failed\n", stderr);
    std::abort();
  }
  digest.resize(length);
  return digest;
}

bool VerifiedCredentialCache::contains(std::string_view user, std::string_view password) const {
  const std::string key = fingerprint(user, password);
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto found = index_.find(key);
  return found != index_.end() && found->second->expires_at > now;
}

void VerifiedCredentialCache::remember(std::string_view user, std::string_view password) {
  std::string key = fingerprint(user, password);
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(key); found != index_.end()) {
    order_.erase(found->second);
    index_.erase(found);
  }
  // Entries are in remember order with one TTL, so expired ones are all at the front.
  while (!order_.empty() && (order_.front().expires_at <= now || index_.size() >= max_entries_)) {
    index_.erase(order_.front().fingerprint);
    order_.pop_front();
  }
  order_.push_back(Entry{key, std::string(user), now + ttl_});
  index_.emplace(std::move(key), std::prev(order_.end()));
}

void VerifiedCredentialCache::forget_user(std::string_view user) {
  std::lock_guard lock(mutex_);
  for (auto it = order_.begin(); it != order_.end();) {
    if (it->user == user) {
      index_.erase(it->fingerprint);
      it = order_.erase(it);
    } else {
      ++it;
    }
  }
}

void VerifiedCredentialCache::clear() {
  std::lock_guard lock(mutex_);
  index_.clear();
  order_.clear();
}

std::size_t VerifiedCredentialCache::size() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace herald::auth
