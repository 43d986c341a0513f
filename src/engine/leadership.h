#pragma once
// Which node runs the cluster-wide jobs (order deadlines, retention, liveness of agents no node
// tracks). A thread asks the store's leader lock every `check_every`; leading() is what the last
// answer said. A node that cannot reach the store acts as a follower (it could not do the jobs
// anyway); when the leader dies, its database session ends and another node leads within
// `check_every` of that.
//
//   Leadership leadership(*store->leader_lock(), std::chrono::seconds(1), "node-a");
//   leadership.start();
//   if (leadership.leading()) run_the_job();
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "engine/periodic_worker.h"
#include "store/leader_lock.h"

namespace herald::engine {

class Leadership {
 public:
  Leadership(store::LeaderLock& lock, std::chrono::milliseconds check_every, std::string node_name);
  ~Leadership();
  Leadership(const Leadership&) = delete;
  Leadership& operator=(const Leadership&) = delete;

  // Asks once (so that a sole node leads from its first moment), then keeps asking on a thread.
  void start();
  // Stops asking and gives the lock up. Idempotent.
  void stop();

  bool leading() const { return leading_.load(); }
  // Called on the checking thread whenever leading() changes. Set before start().
  void on_change(std::function<void(bool leading)> callback) { on_change_ = std::move(callback); }
  // How many times this node became the leader (metrics).
  std::uint64_t terms() const { return terms_.load(); }

  // One check (the thread's loop body; tests call it directly).
  void check();

 private:
  store::LeaderLock& lock_;
  std::chrono::milliseconds check_every_;
  std::string node_name_;
  std::function<void(bool)> on_change_;
  std::atomic<bool> leading_{false};
  std::atomic<std::uint64_t> terms_{0};
  bool warned_ = false;  // checking thread only
  PeriodicWorker worker_;
};

}  // namespace herald::engine
