#pragma once
// The one clock of Herald. Everything that reasons about deadlines (order timeouts, keep-alive
// intervals, token expiry, retention) takes a Clock so that tests advance time instead of waiting.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace herald::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock now. Safe for concurrent use.
  virtual TimePoint now() const = 0;
  // Seconds since the Unix epoch (what the stores and the wire formats use).
  std::int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t epoch_seconds = 1'700'000'000)
      : micros_(epoch_seconds * 1'000'000) {}
  TimePoint now() const override {
    return TimePoint(std::chrono::microseconds(micros_.load()));
  }
  void advance(std::chrono::microseconds by) { micros_ += by.count(); }
  void set_seconds(std::int64_t epoch_seconds) { micros_ = epoch_seconds * 1'000'000; }

 private:
  std::atomic<std::int64_t> micros_;
};

}  // namespace herald::core
