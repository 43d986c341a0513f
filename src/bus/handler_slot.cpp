#include "bus/handler_slot.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace herald::bus {

namespace {
// The slots whose handler this thread is running, innermost last (handlers may publish, so
// calls nest).
thread_local std::vector<const HandlerSlot*> running_here;
}  // namespace

bool HandlerSlot::call(const std::string& subject, const std::string& payload) {
  {
    std::lock_guard lock(mutex_);
    if (!on_) return false;
    ++calls_in_flight_;
  }
  running_here.push_back(this);
  try {
    handler_(subject, payload);
  } catch (const std::exception& error) {
    spdlog::error("event bus: a handler for {} threw: {}", subject, error.what());
  } catch (...) {
    spdlog::error("event bus: a handler for {} threw", subject);
  }
  running_here.pop_back();
  std::lock_guard lock(mutex_);
  --calls_in_flight_;
  idle_.notify_all();
  return true;
}

void HandlerSlot::turn_off() {
  int own_calls = calls_on_this_thread();
  std::unique_lock lock(mutex_);
  on_ = false;
  idle_.wait(lock, [&] { return calls_in_flight_ <= own_calls; });
}

int HandlerSlot::calls_on_this_thread() const {
  return static_cast<int>(std::count(running_here.begin(), running_here.end(), this));
}

}  // namespace herald::bus
