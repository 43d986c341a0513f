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
  std::string status_reason;  // why the last status change happened, as text
  std::int64_t date_add = 0;
  std::optional<std::int64_t> last_keepalive;
  std::int64_t disconnection_time = 0;
  std::string node_name = "unknown";
  std::string group_config_status = "not synced";
  std::vector<std::string> reported_groups;  // as the agent last reported them
  // Wazuh 4.x agents' keep-alives: md5 of agent.conf and merged.mg, the uname line, the labels
  // as a JSON object ("key": "value"). Empty for the new agent.
  std::string config_sum, merged_sum, os_uname;
  std::string labels_json = "{}";
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

// A keep-alive to persist (write-behind): the newest time an agent was seen, and by which node.
struct KeepaliveRecord {
  std::string agent_id;
  std::int64_t last_keepalive = 0;
  std::string node_name;
};

// A connection status change decided by the liveness engine.
struct StatusChange {
  std::string agent_id;
  std::string status;  // active, pending or disconnected
  int status_code = 0;
  std::string reason;
  // When it happened: becomes last_keepalive (never lowered) for `active`, disconnection_time for
  // `disconnected`.
  std::int64_t at = 0;
  std::string node_name;  // stored when not empty
  // Silence-based changes apply only if the stored last_keepalive is older than this, so a node
  // never disconnects an agent another node has seen since (several nodes share a database).
  std::optional<std::int64_t> silent_before;
  // Applies only if the stored status is one of these (empty: any).
  std::vector<std::string> only_from;
};

struct StatusChangeOutcome {
  bool applied = false;
  std::string previous_status;  // as stored before this change
  // Not applied because a keep-alive newer than silent_before is stored (checked before only_from).
  bool seen_since = false;
};

// What liveness needs of an agent to resume after a start.
struct AgentLiveness {
  std::string id;
  std::string connection_status;
  int status_code = 0;
  std::optional<std::int64_t> last_keepalive;
  std::string node_name;
};

// Metadata the agent reports in the first line of its event batches (wire-protocol c4). Empty
// strings leave the stored value alone.
struct AgentMetadata {
  std::string agent_id;
  std::string version;
  std::string ip;
  std::string hostname;
  std::string os_name, os_version, os_platform, os_arch;
  std::optional<std::vector<std::string>> groups;  // sets reported_groups and group_config_status
  // 4.x keep-alives (nullopt leaves the stored value alone).
  std::optional<std::string> config_sum, merged_sum, os_uname, labels_json;
};

// GET /agents/summary/status.
struct AgentStatusSummary {
  std::int64_t active = 0, pending = 0, disconnected = 0, never_connected = 0;
  std::int64_t synced = 0, not_synced = 0;
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

// A Wazuh 4.x agent's key (its client.keys line, legacy-4x-protocol.md §1.5). The raw key is the
// secret both sides derive the channel cipher key from, so it is stored as is.
struct LegacyKey {
  std::string id;    // "001", "1000": %03d of the id counter
  std::string name;
  std::string ip;    // "any", an address, or a CIDR
  std::string key;   // 64 lowercase hex characters
  std::int64_t registered_at = 0;
};

// When an enrollment may replace an agent of the same name or IP (authd's <force> block).
// The times are checked as authd does: disconnected_time only when disconnected_time_enabled
// (<disconnected_time enabled="no"> lets an active agent be replaced), after_registration_time
// only when > 0.
struct ReplacementPolicy {
  bool enabled = true;
  bool key_mismatch = true;
  bool disconnected_time_enabled = true;
  std::int64_t disconnected_time_ms = 3'600'000;
  std::int64_t after_registration_time_ms = 3'600'000;
};

// One accepted enrollment request, checked for syntax and groups by the caller.
struct LegacyEnrollment {
  std::string name;
  std::string ip;                       // "any" or the address the key is bound to
  std::vector<std::string> groups;      // assigned in this order; must exist
  std::string version;                  // as sent in V (may be empty)
  std::optional<std::string> key_hash;  // K: SHA1(id ‖ name ‖ key) of the key the agent holds
  std::string key;                      // the new key (64 hex), generated by the caller
  std::int64_t now = 0;
  std::string node_name;
  ReplacementPolicy replacement;
};

struct LegacyEnrollmentOutcome {
  enum class Kind {
    enrolled,        // key holds the new entry (replaced_id: the agent it replaced, if any)
    duplicate_name,  // "ERROR: Duplicate agent name: <name>"
    duplicate_ip,    // "ERROR: Duplicate IP: <ip>"
  } kind = Kind::enrolled;
  LegacyKey key;
  std::optional<std::string> replaced_id;  // the first of replaced_ids
  // Every agent replaced: the one bound to the IP, then the one with the name, when they differ.
  std::vector<std::string> replaced_ids;
};

}  // namespace herald::store
