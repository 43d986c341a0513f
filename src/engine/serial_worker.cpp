#include "engine/serial_worker.h"

namespace herald::engine {

SerialWorker::SerialWorker(std::size_t max_queued) : max_queued_(max_queued) {
  thread_ = std::thread([this] { run(); });
}

SerialWorker::~SerialWorker() { stop(); }

bool SerialWorker::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void SerialWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t SerialWorker::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t SerialWorker::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

void SerialWorker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has run
    auto task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task();
    lock.lock();
    ++completed_;
  }
}

}  // namespace herald::engine
