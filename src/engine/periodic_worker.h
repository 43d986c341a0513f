#pragma once
// A thread that runs a job every `interval` until stopped (leadership checks, the store fallback
// for wake-ups). stop() wakes it at once and joins: the job is not running once stop() returns.
//
//   PeriodicWorker worker;
//   worker.start(std::chrono::seconds(1), [this] { check(); });
//   worker.stop();
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace herald::engine {

class PeriodicWorker {
 public:
  PeriodicWorker() = default;
  ~PeriodicWorker() { stop(); }
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;

  // The first run comes one interval from now.
  void start(std::chrono::milliseconds interval, std::function<void()> job) {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    thread_ = std::thread([this, interval, job = std::move(job)] {
      std::unique_lock lock(mutex_);
      while (!stopping_) {
        wake_.wait_for(lock, interval, [this] { return stopping_; });
        if (stopping_) break;
        lock.unlock();
        job();
        lock.lock();
      }
    });
  }

  // Idempotent.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald::engine
