#pragma once
// The leader lock on PostgreSQL: a session-level advisory lock held by a connection of its own.
// When the holding node dies or loses its connection, PostgreSQL ends the session and frees the
// lock; the next hold() of another node takes it. hold() on the holder runs `SELECT 1` to notice
// a lost session, after which it reports false until it wins the lock again.
#include <cstdint>
#include <memory>
#include <mutex>

#include "store/leader_lock.h"
#include "store/postgres/connect_settings.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

class AdvisoryLeaderLock final : public LeaderLock {
 public:
  // `key`: the advisory lock key shared by the nodes of one cluster.
  AdvisoryLeaderLock(ConnectSettings settings, std::int64_t key);
  ~AdvisoryLeaderLock() override;

  core::Result<bool> hold() override;
  void release() override;

 private:
  std::mutex mutex_;
  ConnectSettings settings_;
  std::int64_t key_;
  std::unique_ptr<Connection> connection_;
  bool held_ = false;
};

}  // namespace herald::store::postgres
