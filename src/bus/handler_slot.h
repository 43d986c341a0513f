#pragma once
// A subscriber's handler that can be switched off safely while other threads may be calling it.
// Both backends use it so that destroying a Subscription has one meaning: when the destructor
// returns the handler is not running and never will again, so whatever it captured may go.
//
// Safe for concurrent use from any thread.
#include <condition_variable>
#include <mutex>

#include "bus/event_bus.h"

namespace herald::bus {

class HandlerSlot {
 public:
  explicit HandlerSlot(Handler handler) : handler_(std::move(handler)) {}
  HandlerSlot(const HandlerSlot&) = delete;
  HandlerSlot& operator=(const HandlerSlot&) = delete;

  // Runs the handler unless the slot is off; returns whether it ran. An exception from the
  // handler is logged and swallowed: it must not unwind into a publisher or a libnats thread.
  bool call(const std::string& subject, const std::string& payload);

  // Switches the slot off and waits until calls running on other threads have returned. Calls
  // made by this thread (turning off from inside the handler) are not waited for: that would
  // deadlock. Idempotent.
  void turn_off();

 private:
  int calls_on_this_thread() const;

  const Handler handler_;
  std::mutex mutex_;
  std::condition_variable idle_;
  bool on_ = true;
  int calls_in_flight_ = 0;
};

}  // namespace herald::bus
