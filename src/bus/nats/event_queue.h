#pragma once
// The bounded hand-off between publishers and NatsBus's worker thread. Publishers never wait on
// NATS: push() only takes a short lock and refuses when full, so memory stays bounded whatever the
// server does.
//
// Safe for concurrent use from any thread.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "bus/event_bus.h"

namespace herald::bus {

class EventQueue {
 public:
  explicit EventQueue(std::size_t capacity) : capacity_(capacity) {}
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Queues the event; false (event not taken) when the queue is full or closed.
  bool push(Event&& event);

  // Waits until there are events, wake() was called, the queue is closed or `until` passes, then
  // takes everything queued (possibly nothing).
  std::deque<Event> take_all(std::chrono::steady_clock::time_point until);

  // Makes the current or next take_all() return even when empty (e.g. the link changed).
  void wake();

  // Refuses further pushes; take_all() stops waiting. What is queued can still be taken.
  void close();
  bool closed() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> events_;
  bool woken_ = false;
  bool closed_ = false;
};

}  // namespace herald::bus
