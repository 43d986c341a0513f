#pragma once
// Data flow 5 (ARCHITECTURE.md): keep-alives and connection status of every agent.
//
// Every authenticated agent request is a keep-alive (seen()). Live status is held in memory and
// decided from it, so a slow store can delay what is written but never makes a status flap:
//   never_connected / pending / disconnected --seen--> active
//   active --silent for `interval`, no parked poll--> pending (code 4)
//   active --its parked poll dropped by the client--> pending (code 6) at once
//   pending --silent for `timeout`--> disconnected (code 4, or 6 after a drop)
// Deadlines are per agent, in a min-heap per shard (checked lazily: a keep-alive does not touch
// the heap), and a worker thread fires them within a tick (200 ms) of their time. Keep-alives
// are written behind, in batches, at most once per agent per flush interval.
//
// Each transition is persisted (store::AgentStore::apply_status_changes, conditional so that a
// node never overrules a newer keep-alive seen elsewhere) and then published once.
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

// status_code values (agent-status.md §1, plus 6 for a dropped connection).
enum StatusCode : int {
  kStatusOk = 0,
  kStatusShutdown = 3,
  kStatusNoKeepalive = 4,
  kStatusManagerRestart = 5,
  kStatusConnectionDropped = 6,
};

struct LivenessOptions {
  bool enabled = true;
  std::chrono::seconds interval{60};
  std::chrono::seconds timeout{180};
  std::chrono::milliseconds flush_interval{1000};
  std::chrono::milliseconds tick{200};
  std::string node_name;
  // Keep-alive events: every request, or at most one per agent per `interval`.
  bool keepalive_event_every_request = false;
  // How often a parked poll refreshes the stored keep-alive (0: every `interval`). In a cluster,
  // interval / 2: other nodes read that time before they call the agent silent.
  std::chrono::milliseconds parked_refresh{0};
  // In a cluster: while this returns true, the node also adopts agents that no node keeps alive
  // (stored active or pending, stored keep-alive older than `interval`), e.g. those of a node
  // that died. Null: never.
  std::function<bool()> leading;
};

// A decided and persisted status change, as published.
struct StatusTransition {
  std::string agent_id;
  std::string previous_status;
  std::string status;
  int status_code = 0;
  std::string reason;
  std::int64_t at_ms = 0;                 // when it was decided
  std::int64_t previous_duration_ms = 0;  // how long the agent was in previous_status (0: unknown)
  std::optional<std::int64_t> last_keepalive;
  std::int64_t disconnection_time = 0;
  std::string node_name;
};

// Where decided transitions and keep-alives go (the event bus, metrics). Called on the liveness
// worker thread; must be quick.
class LivenessObserver {
 public:
  virtual ~LivenessObserver() = default;
  virtual void status_changed(const StatusTransition& transition) = 0;
  virtual void keepalive(const std::string& agent_id, std::int64_t at_ms) = 0;
};

// Fans one notification out to several observers, in registration order.
class LivenessObservers final : public LivenessObserver {
 public:
  void add(LivenessObserver& observer) { observers_.push_back(&observer); }
  void status_changed(const StatusTransition& transition) override {
    for (auto* o : observers_) o->status_changed(transition);
  }
  void keepalive(const std::string& agent_id, std::int64_t at_ms) override {
    for (auto* o : observers_) o->keepalive(agent_id, at_ms);
  }

 private:
  std::vector<LivenessObserver*> observers_;
};

struct LivenessCounts {
  std::size_t tracked = 0;  // agents held in memory
  std::size_t active = 0;
  std::size_t pending = 0;
  std::size_t parked_agents = 0;
  std::uint64_t keepalive_writes = 0;   // rows written by flushes so far
  std::uint64_t transitions = 0;        // persisted transitions so far
  std::uint64_t store_failures = 0;     // flushes or transition writes that failed (retried)
};

class Liveness {
 public:
  Liveness(store::AgentStore& store, const core::Clock& clock, LivenessObserver& observer, LivenessOptions options);
  ~Liveness();
  Liveness(const Liveness&) = delete;
  Liveness& operator=(const Liveness&) = delete;

  // Start-up (blocking): agents this node last saw as active or pending become disconnected
  // with code 5 (the node restarted: it cannot know); those last seen by other nodes are tracked
  // from their stored keep-alive. Then starts the worker.
  core::Status start();
  // Writes what is pending (keep-alives, transitions) and stops the worker. Idempotent.
  void stop();

  // An authenticated request from the agent. Cheap; safe from any thread.
  void seen(const std::string& agent_id);
  // A long poll of the agent parked / ended. `dropped`: the client hung up while it was parked.
  void poll_parked(const std::string& agent_id);
  void poll_ended(const std::string& agent_id, bool dropped);
  // The agent is gone for sure, now (a Wazuh 4.x agent's shutdown message, code 3, or its TCP
  // connection closed, code 6): disconnected at once, not after `timeout`. Applies only if no
  // node has stored a newer keep-alive. Safe from any thread.
  void disconnected(const std::string& agent_id, int code, std::string reason);

  // What the agent reports about itself (the metadata line of its event batches). Written only
  // when it differs from what this node last wrote for the agent. Blocking: run it on the pool.
  core::Status record_metadata(const store::AgentMetadata& metadata);
  // True when record_metadata would write nothing (cheap: lets callers skip the pool).
  bool metadata_is_recorded(const store::AgentMetadata& metadata);

  // One pass of the worker: fires due deadlines, writes transitions and due keep-alives.
  // Public so that tests drive it with a ManualClock.
  void tick();
  // Writes every pending keep-alive now (tests, shutdown).
  void flush();
  // Starts tracking the agents no node keeps alive (see LivenessOptions::leading); returns how
  // many. Blocking; the worker calls it once per interval while leading.
  core::Result<std::size_t> adopt_silent_agents();

  // Everything, walking every tracked agent for the status counts.
  LivenessCounts counts() const;
  // Only the running totals (writes, transitions, failures): no walk, for frequent readers.
  LivenessCounts totals() const;

 private:
  struct AgentState {
    std::string status;  // empty: not known to this node yet
    std::int64_t status_since_ms = 0;
    std::int64_t last_seen_ms = 0;      // 0: never seen by this node
    std::int64_t last_event_ms = 0;     // last keep-alive event published
    int parked = 0;
    bool dropped = false;               // pending because its parked poll was dropped
    bool dirty = false;                 // last_seen_ms not yet written
    bool scheduled = false;             // has an entry in the deadline heap
    bool adopted = false;               // tracked from the store, not seen by this node since
    std::size_t metadata_hash = 0;      // of the metadata last written (0: none)
  };
  struct Deadline {
    std::int64_t at_ms;
    std::string agent_id;
    bool operator>(const Deadline& other) const { return at_ms > other.at_ms; }
  };
  struct PendingChange {
    store::StatusChange change;
    std::string previous_status;
    std::int64_t previous_duration_ms = 0;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, AgentState> agents;
    std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines;
    std::vector<std::string> dirty;           // agents with an unwritten keep-alive
    std::vector<PendingChange> changes;       // decided, not yet written
    std::vector<std::string> keepalive_events;
  };
  static constexpr std::size_t kShards = 32;

  Shard& shard_of(const std::string& agent_id);
  static std::size_t metadata_hash(const store::AgentMetadata& metadata);
  std::int64_t now_ms() const;
  // Caller holds the shard lock.
  void become(Shard& shard, const std::string& agent_id, AgentState& state, const std::string& status, int code,
              std::string reason, std::int64_t now_ms, std::optional<std::int64_t> silent_before);
  void schedule(Shard& shard, const std::string& agent_id, AgentState& state, std::int64_t at_ms);
  void fire_due(Shard& shard, std::int64_t now_ms);
  void write_changes();
  void write_keepalives();
  void run();

  store::AgentStore& store_;
  const core::Clock& clock_;
  LivenessObserver& observer_;
  LivenessOptions options_;
  std::array<Shard, kShards> shards_;

  std::mutex write_mutex_;  // one writer of changes and keep-alives at a time (tick vs flush)
  std::int64_t last_flush_ms_ = 0;
  std::int64_t last_adoption_ms_ = 0;
  std::vector<store::KeepaliveRecord> unwritten_keepalives_;  // retried after a store failure
  std::vector<PendingChange> unwritten_changes_;
  mutable std::mutex counts_mutex_;
  LivenessCounts totals_;

  std::mutex run_mutex_;
  std::condition_variable run_wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace herald::engine
