#pragma once
// One thread that runs posted tasks in order, for observers that must return at once but have
// slower work to do (building bus payloads, store look-ups). Bounded: a task posted while
// `max_queued` wait, or after stop(), is dropped and counted.
//
//   SerialWorker worker(10'000);
//   worker.post([] { ... });  // never blocks
//   worker.stop();            // runs what is queued, then joins
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace herald::engine {

class SerialWorker {
 public:
  using Task = std::function<void()>;

  // The thread starts at once.
  explicit SerialWorker(std::size_t max_queued);
  ~SerialWorker();  // stop()
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // Safe from any thread, also from inside a task. False when the task was dropped.
  bool post(Task task);
  // Runs what is queued, then joins. Idempotent; not from inside a task.
  void stop();

  std::uint64_t dropped() const;
  // Tasks posted and finished (tests await this instead of sleeping).
  std::uint64_t completed() const;

 private:
  void run();

  std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::uint64_t dropped_ = 0;
  std::uint64_t completed_ = 0;
  std::thread thread_;
};

}  // namespace herald::engine
