#include "bus/nats/event_queue.h"

namespace herald::bus {

bool EventQueue::push(Event&& event) {
  {
    std::lock_guard lock(mutex_);
    if (closed_ || events_.size() >= capacity_) return false;
    events_.push_back(std::move(event));
  }
  ready_.notify_one();
  return true;
}

std::deque<Event> EventQueue::take_all(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  ready_.wait_until(lock, until, [&] { return !events_.empty() || woken_ || closed_; });
  woken_ = false;
  std::deque<Event> taken;
  taken.swap(events_);
  return taken;
}

void EventQueue::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  ready_.notify_one();
}

void EventQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_one();
}

bool EventQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace herald::bus
