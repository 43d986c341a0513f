#pragma once
// The 4.x agents' keys as remoted needs them: by id, and by address for agents whose messages
// carry no "!id!". Filled from the store at start, added to by enrollments on this node, and
// reloaded every key_reload_interval (other nodes enroll and replace agents too). Safe for
// concurrent use.
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.h"

namespace herald::legacy {

struct AgentKey {
  std::string id;
  std::string name;
  std::string ip;           // as in the key: "any", an address or a CIDR
  std::string key;          // the raw 64-hex key
  std::string channel_key;  // wire::channel_key(id, name, key)
};

class KeyCache {
 public:
  std::shared_ptr<const AgentKey> find(const std::string& id) const;
  // The key bound to exactly this IPv4 address, if any.
  std::shared_ptr<const AgentKey> find_by_address(const std::string& address) const;
  // Adds or replaces one key.
  void put(const store::LegacyKey& key);
  // Forgets one key (its agent was replaced).
  void erase(const std::string& id);
  // Replaces everything with `keys` (a reload): keys no longer stored disappear.
  void replace_all(const std::vector<store::LegacyKey>& keys);
  std::size_t size() const;

 private:
  static std::shared_ptr<const AgentKey> make(const store::LegacyKey& key);
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const AgentKey>> by_id_;
  std::unordered_map<std::string, std::shared_ptr<const AgentKey>> by_address_;
};

// Whether a key's IP field names one IPv4 host (isSingleHost): then the agent sends no "!id!".
bool is_single_ipv4_host(const std::string& ip);
// Whether `address` may use a key bound to `ip` ("any", the same address, or inside the CIDR).
bool address_allowed(const std::string& ip, const std::string& address);

}  // namespace herald::legacy
