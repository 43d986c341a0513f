#include "store/postgres/advisory_leader_lock.h"

namespace herald::store::postgres {

AdvisoryLeaderLock::AdvisoryLeaderLock(ConnectSettings settings, std::int64_t key)
    : settings_(std::move(settings)), key_(key) {
  settings_.application_name += " (leader lock)";
}

AdvisoryLeaderLock::~AdvisoryLeaderLock() { release(); }

core::Result<bool> AdvisoryLeaderLock::hold() {
  std::lock_guard lock(mutex_);
  if (connection_ && connection_->broken()) {
    connection_.reset();
    held_ = false;
  }
  if (!connection_) {
    auto opened = Connection::open(settings_);
    if (!opened) return opened.error();
    connection_ = std::move(opened).value();
  }
  auto rows = held_ ? connection_->query("SELECT true") : connection_->query("SELECT pg_try_advisory_lock($1)", Params(key_));
  if (!rows) {
    // The session may be gone, and the lock with it: start over on the next call.
    connection_.reset();
    held_ = false;
    return rows.error();
  }
  held_ = rows->text(0, 0) == "t";
  return held_;
}

void AdvisoryLeaderLock::release() {
  std::lock_guard lock(mutex_);
  // Unlocked explicitly so that another node can take over at once: a closed session frees the
  // lock too, but only once the server has noticed.
  if (held_ && connection_ && !connection_->broken()) (void)connection_->query("SELECT pg_advisory_unlock($1)", Params(key_));
  connection_.reset();
  held_ = false;
}

}  // namespace herald::store::postgres
