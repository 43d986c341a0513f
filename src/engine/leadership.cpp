#include "engine/leadership.h"

#include <spdlog/spdlog.h>

namespace herald::engine {

Leadership::Leadership(store::LeaderLock& lock, std::chrono::milliseconds check_every, std::string node_name)
    : lock_(lock), check_every_(check_every), node_name_(std::move(node_name)) {}

Leadership::~Leadership() { stop(); }

void Leadership::start() {
  check();
  worker_.start(check_every_, [this] { check(); });
}

void Leadership::stop() {
  worker_.stop();
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
