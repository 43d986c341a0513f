#include "engine/liveness.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

namespace herald::engine {

namespace {

constexpr const char* kActive = "active";
constexpr const char* kPending = "pending";
constexpr const char* kDisconnected = "disconnected";

std::string seconds_text(std::chrono::seconds seconds) { return std::to_string(seconds.count()) + " s"; }

std::string reason_for_active(const std::string& previous) {
  if (previous == "never_connected") return "first contact";
  if (previous == kDisconnected) return "reconnected";
  if (previous == kPending) return "keep-alive resumed";
  return "keep-alive received";
}

}  // namespace

Liveness::Liveness(store::AgentStore& store, const core::Clock& clock, LivenessObserver& observer,
                   LivenessOptions options)
    : store_(store), clock_(clock), observer_(observer), options_(std::move(options)) {}

Liveness::~Liveness() { stop(); }

Liveness::Shard& Liveness::shard_of(const std::string& agent_id) {
  return shards_[std::hash<std::string>{}(agent_id) % kShards];
}

std::int64_t Liveness::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
}

core::Status Liveness::start() {
  auto connected = store_.connected_agents();
  if (!connected) return connected.error();
  const auto now = now_ms();
  std::size_t restarted = 0;
  for (const auto& agent : *connected) {
    auto& shard = shard_of(agent.id);
    std::lock_guard lock(shard.mutex);
    auto& state = shard.agents[agent.id];
    state.status = agent.connection_status;
    state.status_since_ms = now;
    state.last_seen_ms = agent.last_keepalive.value_or(0) * 1000;
    if (agent.node_name == options_.node_name) {
      // This node held the agent and restarted: whatever happened meanwhile is unknown.
      become(shard, agent.id, state, kDisconnected, kStatusManagerRestart,
             "heraldd restarted; unknown until the agent is seen again", now,
             agent.last_keepalive.value_or(0) + 1);
      ++restarted;
    } else if (options_.enabled) {
      state.adopted = true;
      schedule(shard, agent.id, state, now);  // re-evaluated on the first tick
    }
  }
  write_changes();
  spdlog::info("liveness: {} agents were connected to this node before it started; marked disconnected (code 5); "
               "{} tracked from other nodes",
               restarted, connected->size() - restarted);
  if (options_.tick.count() > 0) {
    std::lock_guard lock(run_mutex_);
    stopping_ = false;
    worker_ = std::thread([this] { run(); });
  }
  return core::ok_status();
}

void Liveness::stop() {
  {
    std::lock_guard lock(run_mutex_);
    if (stopping_ && !worker_.joinable()) return;
    stopping_ = true;
  }
  run_wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  tick();
  flush();
}

void Liveness::run() {
  std::unique_lock lock(run_mutex_);
  while (!stopping_) {
    run_wake_.wait_for(lock, options_.tick, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    tick();
    lock.lock();
  }
}

void Liveness::seen(const std::string& agent_id) {
  const auto now = now_ms();
  auto& shard = shard_of(agent_id);
  std::lock_guard lock(shard.mutex);
  auto& state = shard.agents[agent_id];
  state.last_seen_ms = now;
  state.dropped = false;
  state.adopted = false;
  if (!state.dirty) {
    state.dirty = true;
    shard.dirty.push_back(agent_id);
  }
  if (state.status != kActive) {
    auto previous = state.status;
    become(shard, agent_id, state, kActive, kStatusOk, reason_for_active(previous), now, std::nullopt);
  }
  if (options_.enabled && !state.scheduled) {
    // With a parked refresh (cluster), the first check comes that early too, so that a poll parked
    // from now on refreshes the stored keep-alive in time for the other nodes.
    auto first_check = std::chrono::milliseconds(options_.interval).count();
    if (options_.parked_refresh.count() > 0) first_check = std::min(first_check, options_.parked_refresh.count());
    schedule(shard, agent_id, state, now + first_check);
  }
  const auto interval_ms = std::chrono::milliseconds(options_.interval).count();
  if (options_.keepalive_event_every_request || state.last_event_ms == 0 || now - state.last_event_ms >= interval_ms) {
    state.last_event_ms = now;
    shard.keepalive_events.push_back(agent_id);
  }
}

void Liveness::poll_parked(const std::string& agent_id) {
  seen(agent_id);
  auto& shard = shard_of(agent_id);
  std::lock_guard lock(shard.mutex);
  ++shard.agents[agent_id].parked;
}

void Liveness::poll_ended(const std::string& agent_id, bool dropped) {
  const auto now = now_ms();
  auto& shard = shard_of(agent_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.agents.find(agent_id);
  if (found == shard.agents.end()) return;
  auto& state = found->second;
  state.parked = std::max(0, state.parked - 1);
  if (!dropped) {
    // The reply just written is proof of life: the agent's silence starts now, not when it parked.
    state.last_seen_ms = now;
    if (!state.dirty) {
      state.dirty = true;
      shard.dirty.push_back(agent_id);
    }
  }
  // A poll that ended normally is followed by the agent's next request; one the client dropped
  // means the agent went away (stopped, crashed, network gone) — say so now, not in `interval`.
  if (dropped && state.parked == 0 && state.status == kActive && options_.enabled) {
    state.last_seen_ms = now;
    state.dropped = true;
    become(shard, agent_id, state, kPending, kStatusConnectionDropped, "connection dropped while waiting for orders",
           now, now / 1000 + 1);
    // The agent's existing deadline (at most `interval` away) re-checks it: one heap entry per agent.
    if (!state.scheduled) schedule(shard, agent_id, state, now + std::chrono::milliseconds(options_.timeout).count());
  }
}

void Liveness::disconnected(const std::string& agent_id, int code, std::string reason) {
  const auto now = now_ms();
  auto& shard = shard_of(agent_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.agents.find(agent_id);
  if (found == shard.agents.end()) return;
  auto& state = found->second;
  if (state.status != kActive && state.status != kPending) return;
  state.last_seen_ms = now;
  state.dropped = false;
  become(shard, agent_id, state, kDisconnected, code, std::move(reason), now, now / 1000 + 1);
}

std::size_t Liveness::metadata_hash(const store::AgentMetadata& metadata) {
  std::string fingerprint = metadata.version + '\n' + metadata.ip + '\n' + metadata.hostname + '\n' + metadata.os_name +
                            '\n' + metadata.os_version + '\n' + metadata.os_platform + '\n' + metadata.os_arch + '\n';
  for (const auto* field : {&metadata.config_sum, &metadata.merged_sum, &metadata.os_uname, &metadata.labels_json}) {
    fingerprint += field->has_value() ? "=" + **field + '\n' : std::string("-\n");
  }
  if (metadata.groups) {
    for (const auto& group : *metadata.groups) fingerprint += group + ',';
  }
  return std::hash<std::string>{}(fingerprint) | 1;  // never 0, which means "none"
}

bool Liveness::metadata_is_recorded(const store::AgentMetadata& metadata) {
  const auto hash = metadata_hash(metadata);
  auto& shard = shard_of(metadata.agent_id);
  std::lock_guard lock(shard.mutex);
  auto found = shard.agents.find(metadata.agent_id);
  return found != shard.agents.end() && found->second.metadata_hash == hash;
}

core::Status Liveness::record_metadata(const store::AgentMetadata& metadata) {
  const auto hash = metadata_hash(metadata);
  auto& shard = shard_of(metadata.agent_id);
  {
    std::lock_guard lock(shard.mutex);
    if (shard.agents[metadata.agent_id].metadata_hash == hash) return core::ok_status();
  }
  auto written = store_.update_agent_metadata(metadata);
  if (written) {
    std::lock_guard lock(shard.mutex);
    shard.agents[metadata.agent_id].metadata_hash = hash;
  }
  return written;
}

void Liveness::become(Shard& shard, const std::string& agent_id, AgentState& state, const std::string& status,
                      int code, std::string reason, std::int64_t now, std::optional<std::int64_t> silent_before) {
  PendingChange pending;
  pending.previous_status = state.status;
  pending.previous_duration_ms = state.status_since_ms > 0 ? now - state.status_since_ms : 0;
  auto& change = pending.change;
  change.agent_id = agent_id;
  change.status = status;
  change.status_code = code;
  change.reason = std::move(reason);
  change.at = status == kActive ? state.last_seen_ms / 1000 : now / 1000;
  change.node_name = status == kActive ? options_.node_name : std::string();
  change.silent_before = silent_before;
  // Each transition is stored (and published) once, whichever node decides it first: an agent
  // another node already holds as active gets no second "active", one already pending no second
  // "pending".
  if (status == kActive) change.only_from = {"never_connected", kPending, kDisconnected};
  if (status == kPending) change.only_from = {kActive};
  if (status == kDisconnected) change.only_from = {kActive, kPending};
  shard.changes.push_back(std::move(pending));
  state.status = status;
  state.status_since_ms = now;
}

void Liveness::schedule(Shard& shard, const std::string& agent_id, AgentState& state, std::int64_t at_ms) {
  shard.deadlines.push({at_ms, agent_id});
  state.scheduled = true;
}

void Liveness::fire_due(Shard& shard, std::int64_t now) {
  const auto interval = std::chrono::milliseconds(options_.interval).count();
  const auto timeout = std::chrono::milliseconds(options_.timeout).count();
  while (!shard.deadlines.empty() && shard.deadlines.top().at_ms <= now) {
    auto agent_id = shard.deadlines.top().agent_id;
    shard.deadlines.pop();
    auto found = shard.agents.find(agent_id);
    if (found == shard.agents.end()) continue;
    auto& state = found->second;
    state.scheduled = false;
    if (state.status == kActive) {
      if (state.parked > 0) {
        // A parked poll is a live connection: it counts as a keep-alive.
        state.last_seen_ms = now;
        if (!state.dirty) {
          state.dirty = true;
          shard.dirty.push_back(agent_id);
        }
        const auto refresh = options_.parked_refresh.count() > 0 ? options_.parked_refresh.count() : interval;
        schedule(shard, agent_id, state, now + refresh);
      } else if (now >= state.last_seen_ms + interval) {
        become(shard, agent_id, state, kPending, kStatusNoKeepalive,
               "no keep-alive for " + seconds_text(options_.interval), now, state.last_seen_ms / 1000 + 1);
        schedule(shard, agent_id, state, state.last_seen_ms + timeout);
      } else {
        schedule(shard, agent_id, state, state.last_seen_ms + interval);
      }
    } else if (state.status == kPending) {
      if (now >= state.last_seen_ms + timeout) {
        auto reason = state.dropped ? "connection dropped and no keep-alive for " + seconds_text(options_.timeout)
                                    : "no keep-alive for " + seconds_text(options_.timeout);
        become(shard, agent_id, state, kDisconnected, state.dropped ? kStatusConnectionDropped : kStatusNoKeepalive,
               std::move(reason), now, state.last_seen_ms / 1000 + 1);
      } else {
        schedule(shard, agent_id, state, state.last_seen_ms + timeout);
      }
    }
  }
}

void Liveness::tick() {
  const auto now = now_ms();
  std::vector<std::string> keepalive_events;
  {
    std::lock_guard write_lock(write_mutex_);
    for (auto& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      fire_due(shard, now);
      for (auto& change : shard.changes) unwritten_changes_.push_back(std::move(change));
      shard.changes.clear();
      for (auto& id : shard.keepalive_events) keepalive_events.push_back(std::move(id));
      shard.keepalive_events.clear();
    }
  }
  write_changes();
  for (const auto& id : keepalive_events) observer_.keepalive(id, now);
  if (now - last_flush_ms_ >= options_.flush_interval.count()) write_keepalives();
  if (options_.enabled && options_.leading && now - last_adoption_ms_ >= std::chrono::milliseconds(options_.interval).count() &&
      options_.leading()) {
    last_adoption_ms_ = now;
    auto adopted = adopt_silent_agents();
    if (!adopted) spdlog::warn("liveness: cannot look for agents no node keeps alive: {}", adopted.error().message);
  }
}

core::Result<std::size_t> Liveness::adopt_silent_agents() {
  auto connected = store_.connected_agents();
  if (!connected) return connected.error();
  const auto now = now_ms();
  const auto silent_since = now - std::chrono::milliseconds(options_.interval).count();
  std::size_t adopted = 0;
  for (const auto& agent : *connected) {
    const auto last_seen = agent.last_keepalive.value_or(0) * 1000;
    if (last_seen >= silent_since) continue;
    auto& shard = shard_of(agent.id);
    std::lock_guard lock(shard.mutex);
    auto [entry, inserted] = shard.agents.try_emplace(agent.id);
    if (!inserted) continue;  // tracked here already
    auto& state = entry->second;
    state.status = agent.connection_status;
    state.status_since_ms = now;
    state.last_seen_ms = last_seen;
    state.adopted = true;
    schedule(shard, agent.id, state, now);
    ++adopted;
  }
  if (adopted > 0) spdlog::info("liveness: tracking {} agents no node keeps alive", adopted);
  return adopted;
}

void Liveness::flush() { write_keepalives(); }

void Liveness::write_changes() {
  std::lock_guard write_lock(write_mutex_);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (auto& change : shard.changes) unwritten_changes_.push_back(std::move(change));
    shard.changes.clear();
  }
  if (unwritten_changes_.empty()) return;
  std::vector<store::StatusChange> changes;
  changes.reserve(unwritten_changes_.size());
  for (const auto& pending : unwritten_changes_) changes.push_back(pending.change);
  auto applied = store_.apply_status_changes(changes);
  if (!applied) {
    // Kept and retried on the next tick, in order; the in-memory status is already right.
    std::lock_guard lock(counts_mutex_);
    if (totals_.store_failures++ == 0) spdlog::warn("liveness: cannot store status changes: {}", applied.error().message);
    return;
  }
  std::uint64_t persisted = 0;
  for (std::size_t i = 0; i < unwritten_changes_.size(); ++i) {
    const auto& pending = unwritten_changes_[i];
    const auto& change = pending.change;
    const auto& outcome = (*applied)[i];
    if (!outcome.applied) {
      if (change.status == kActive) continue;  // already active in the store, or the agent is gone
      auto& shard = shard_of(change.agent_id);
      std::lock_guard lock(shard.mutex);
      auto found = shard.agents.find(change.agent_id);
      if (found == shard.agents.end()) continue;
      auto& state = found->second;
      if (!outcome.seen_since) {
        // Another node stored this transition (or a later one) first: follow the store.
        if (!outcome.previous_status.empty() && state.status == change.status) state.status = outcome.previous_status;
        continue;
      }
      // Another node saw the agent more recently than this one: it is alive.
      state.last_seen_ms = std::max(state.last_seen_ms, now_ms());
      if (outcome.previous_status == kPending || outcome.previous_status == kDisconnected) {
        // The store says silent (decided by a node whose view was stale) while the agent's latest
        // keep-alive is newer: put it right, once, rather than leave a live agent pending.
        state.status = outcome.previous_status;
        become(shard, change.agent_id, state, kActive, kStatusOk, "keep-alive seen by another node", now_ms(),
               std::nullopt);
      }
      state.status = kActive;
      if (state.adopted) {
        shard.agents.erase(found);  // the node that sees it keeps it; its heap entry is skipped
        continue;
      }
      if (!state.scheduled) {
        schedule(shard, change.agent_id, state,
                 state.last_seen_ms + std::chrono::milliseconds(options_.interval).count());
      }
      continue;
    }
    ++persisted;
    StatusTransition transition;
    transition.agent_id = change.agent_id;
    // The store knows what came before even for agents this node had not seen since it started.
    transition.previous_status = outcome.previous_status;
    transition.status = change.status;
    transition.status_code = change.status_code;
    transition.reason = change.reason;
    transition.at_ms = change.at * 1000;
    transition.previous_duration_ms = pending.previous_duration_ms;
    transition.disconnection_time = change.status == kDisconnected ? change.at : 0;
    transition.node_name = options_.node_name;
    {
      auto& shard = shard_of(change.agent_id);
      std::lock_guard lock(shard.mutex);
      if (auto found = shard.agents.find(change.agent_id); found != shard.agents.end() && found->second.last_seen_ms > 0) {
        transition.last_keepalive = found->second.last_seen_ms / 1000;
      }
    }
    observer_.status_changed(transition);
  }
  unwritten_changes_.clear();
  std::lock_guard lock(counts_mutex_);
  totals_.transitions += persisted;
  if (totals_.store_failures > 0) {
    spdlog::info("liveness: status changes are being stored again");
    totals_.store_failures = 0;
  }
}

void Liveness::write_keepalives() {
  std::lock_guard write_lock(write_mutex_);
  last_flush_ms_ = now_ms();
  std::vector<store::KeepaliveRecord> records;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& id : shard.dirty) {
      auto found = shard.agents.find(id);
      if (found == shard.agents.end()) continue;
      found->second.dirty = false;
      records.push_back({id, found->second.last_seen_ms / 1000, options_.node_name});
    }
    shard.dirty.clear();
  }
  if (records.empty()) return;
  auto written = store_.record_keepalives(records);
  if (!written) {
    // Marked dirty again: the next flush writes their newest time.
    for (const auto& record : records) {
      auto& shard = shard_of(record.agent_id);
      std::lock_guard lock(shard.mutex);
      auto& state = shard.agents[record.agent_id];
      if (!state.dirty) {
        state.dirty = true;
        shard.dirty.push_back(record.agent_id);
      }
    }
    std::lock_guard lock(counts_mutex_);
    if (totals_.store_failures++ == 0) spdlog::warn("liveness: cannot store keep-alives: {}", written.error().message);
    return;
  }
  std::lock_guard lock(counts_mutex_);
  totals_.keepalive_writes += records.size();
}

LivenessCounts Liveness::totals() const {
  std::lock_guard lock(counts_mutex_);
  return totals_;
}

LivenessCounts Liveness::counts() const {
  LivenessCounts counts = totals();
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    counts.tracked += shard.agents.size();
    for (const auto& [id, state] : shard.agents) {
      if (state.status == kActive) ++counts.active;
      if (state.status == kPending) ++counts.pending;
      if (state.parked > 0) ++counts.parked_agents;
    }
  }
  return counts;
}

}  // namespace herald::engine
