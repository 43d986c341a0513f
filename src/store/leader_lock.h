#pragma once
// Cluster-wide jobs (order deadlines, retention, adopting agents nobody tracks) run on exactly one
// node: the one holding the store's leader lock. Nodes call hold() every second or so; the lock
// is kept for as long as the holder lives and calls hold(), and is free again the moment the
// holder dies (its database session ends), so another node takes over on its next call.
#include "core/result.h"

namespace herald::store {

class LeaderLock {
 public:
  virtual ~LeaderLock() = default;
  // Takes the lock if it is free, or confirms this node still holds it. true: this node leads
  // until the next call; false: another node does. An error means the store cannot say (the
  // caller must act as a follower until a later call succeeds).
  virtual core::Result<bool> hold() = 0;
  // Gives the lock up (shutdown). Idempotent.
  virtual void release() = 0;
};

// A store only one process can open (SQLite): that process always leads.
class SoleNodeLeaderLock final : public LeaderLock {
 public:
  core::Result<bool> hold() override { return true; }
  void release() override {}
};

}  // namespace herald::store
