#pragma once
// Rows as the stores hand them out. Plain values.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace herald::store {

struct AgentRecord {
  std::string id;  // v4 UUID
  std::string name;
  std::string key_hash;  // auth::hash_agent_key output; never the key
  std::string type;
  std::string version;
  std::string host_json = "{}";  // the enrollment `host` object, serialized
  std::string ip;                // first host.ip, if any
  std::string os_name, os_version, os_platform, os_arch;
  std::vector<std::string> groups;  // in priority order
  std::string connection_status = "never_connected";
  int status_code = 0;
  std::int64_t date_add = 0;
  std::optional<std::int64_t> last_keepalive;
  std::int64_t disconnection_time = 0;
  std::string node_name = "unknown";
  std::string group_config_status = "not synced";
};

struct GroupRecord {
  std::string name;
  std::int64_t agent_count = 0;
  std::optional<std::string> configuration_sum;  // sha256 of the stored configuration, if any
};

struct UserRecord {
  std::string name;
  std::string password_hash;  // auth::hash_password output
  std::int64_t created_at = 0;
};

// A page of a listing: `items` after offset/limit, `total` before them.
template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

// The agent an order goes to, with the groups copied into the order's `agent.groups`.
struct TargetAgent {
  std::string id;
  std::vector<std::string> groups;
};

}  // namespace herald::store
