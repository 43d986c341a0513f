#include "engine/leadership.h"

#include <spdlog/spdlog.h>

namespace herald::engine {

Leadership::Leadership(store::LeaderLock& lock, std::chrono::milliseconds check_every, std::string node_name)
    : lock_(lock), check_every_(check_every), node_name_(std::move(node_name)) {}

Leadership::~Leadership() { stop(); }

void Leadership::start() {
  check();
  std::lock_guard lock(mutex_);
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, check_every_, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      check();
      lock.lock();
    }
  });
}

void Leadership::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  lock_.release();
  if (leading_.exchange(false) && on_change_) on_change_(false);
}

void Leadership::check() {
  auto held = lock_.hold();
  if (!held && !warned_) {
    spdlog::warn("leadership: cannot reach the leader lock ({}); acting as a follower", held.error().message);
  }
  warned_ = !held;
  const bool now_leading = held && *held;
  if (leading_.exchange(now_leading) == now_leading) return;
  if (now_leading) {
    ++terms_;
    spdlog::info("leadership: {} now runs order deadlines, retention and liveness of untracked agents", node_name_);
  } else {
    spdlog::info("leadership: {} no longer leads", node_name_);
  }
  if (on_change_) on_change_(now_leading);
}

}  // namespace herald::engine
