#include "legacy/key_cache.h"

#include <arpa/inet.h>

#include <mutex>

#include "legacy/wire/crypto.h"

namespace herald::legacy {

namespace {

// An IPv4 address and prefix length from "a.b.c.d" or "a.b.c.d/nn".
std::optional<std::pair<std::uint32_t, int>> ipv4_network(const std::string& text) {
  auto slash = text.find('/');
  std::string address = text.substr(0, slash);
  int prefix = 32;
  if (slash != std::string::npos) {
    try {
      std::size_t used = 0;
      prefix = std::stoi(text.substr(slash + 1), &used);
      if (used != text.size() - slash - 1 || prefix < 0 || prefix > 32) return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  in_addr parsed{};
  if (::inet_pton(AF_INET, address.c_str(), &parsed) != 1) return std::nullopt;
  return std::pair{ntohl(parsed.s_addr), prefix};
}

}  // namespace

bool is_single_ipv4_host(const std::string& ip) {
  auto network = ipv4_network(ip);
  return network && network->second == 32;
}

bool address_allowed(const std::string& ip, const std::string& address) {
  if (ip == "any" || ip.empty() || ip == address) return true;
  auto network = ipv4_network(ip);
  auto host = ipv4_network(address);
  if (!network || !host) return false;  // IPv6 keys match only their exact address
  const std::uint32_t mask = network->second == 0 ? 0 : ~std::uint32_t{0} << (32 - network->second);
  return (network->first & mask) == (host->first & mask);
}

std::shared_ptr<const AgentKey> KeyCache::make(const store::LegacyKey& key) {
  return std::make_shared<const AgentKey>(
      AgentKey{key.id, key.name, key.ip, key.key, wire::channel_key(key.id, key.name, key.key)});
}

std::shared_ptr<const AgentKey> KeyCache::find(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto found = by_id_.find(id);
  return found == by_id_.end() ? nullptr : found->second;
}

std::shared_ptr<const AgentKey> KeyCache::find_by_address(const std::string& address) const {
  std::shared_lock lock(mutex_);
  auto found = by_address_.find(address);
  return found == by_address_.end() ? nullptr : found->second;
}

void KeyCache::put(const store::LegacyKey& key) {
  auto entry = make(key);
  std::unique_lock lock(mutex_);
  if (auto old = by_id_.find(key.id); old != by_id_.end() && is_single_ipv4_host(old->second->ip)) {
    by_address_.erase(old->second->ip);
  }
  by_id_[key.id] = entry;
  if (is_single_ipv4_host(key.ip)) by_address_[key.ip.substr(0, key.ip.find('/'))] = entry;
}

void KeyCache::erase(const std::string& id) {
  std::unique_lock lock(mutex_);
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return;
  if (is_single_ipv4_host(found->second->ip)) by_address_.erase(found->second->ip.substr(0, found->second->ip.find('/')));
  by_id_.erase(found);
}

void KeyCache::replace_all(const std::vector<store::LegacyKey>& keys) {
  std::unordered_map<std::string, std::shared_ptr<const AgentKey>> by_id, by_address;
  {
    // Keys that did not change keep their derived channel key (deriving costs three MD5s each).
    std::shared_lock lock(mutex_);
    for (const auto& key : keys) {
      auto old = by_id_.find(key.id);
      auto entry = old != by_id_.end() && old->second->key == key.key && old->second->name == key.name &&
                           old->second->ip == key.ip
                       ? old->second
                       : nullptr;
      by_id.emplace(key.id, entry);
    }
  }
  for (const auto& key : keys) {
    auto& entry = by_id[key.id];
    if (!entry) entry = make(key);
    if (is_single_ipv4_host(key.ip)) by_address[key.ip.substr(0, key.ip.find('/'))] = entry;
  }
  std::unique_lock lock(mutex_);
  by_id_.swap(by_id);
  by_address_.swap(by_address);
}

std::size_t KeyCache::size() const {
  std::shared_lock lock(mutex_);
  return by_id_.size();
}

}  // namespace herald::legacy
