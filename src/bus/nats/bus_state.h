#pragma once
// What NatsBus shares with libnats callbacks (connection events, JetStream acks). Held by
// shared_ptr, and libnats holds a reference of its own until its last callback (closed), so a
// late callback never touches freed memory.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "bus/nats/event_queue.h"

namespace herald::bus {

struct BusState {
  explicit BusState(std::size_t queue_capacity) : queue(queue_capacity) {}

  EventQueue queue;  // publishers -> worker; callbacks wake() it when the link changes
  std::atomic<bool> connected{false};
  // Set on every (re)connect: the worker checks the JetStream stream before the next durable event.
  std::atomic<bool> setup_due{false};
  std::atomic<std::uint64_t> published{0};
  std::atomic<std::uint64_t> dropped{0};
  // One log line per streak of JetStream failures rather than one per event.
  std::atomic<bool> ack_failure_logged{false};

  std::mutex closed_mutex;
  std::condition_variable closed_signal;
  bool connection_closed = false;  // the closed callback ran: libnats is done with this state
};

}  // namespace herald::bus
