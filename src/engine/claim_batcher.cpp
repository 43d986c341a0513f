#include "engine/claim_batcher.h"

#include <algorithm>

namespace herald::engine {

ClaimBatcher::ClaimBatcher(store::OrderStore& store, const core::Clock& clock)
    : store_(store), clock_(clock), thread_([this] { run(); }) {}

ClaimBatcher::~ClaimBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

core::Result<std::vector<core::OrderKey>> ClaimBatcher::claim(const std::vector<core::OrderKey>& keys) {
  if (keys.empty()) return std::vector<core::OrderKey>{};
  Request request{&keys, {}};
  auto done = request.done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return core::unavailable("heraldd is stopping");
    queue_.push_back(&request);
  }
  wake_.notify_one();
  return done.get();
}

void ClaimBatcher::run() {
  for (;;) {
    std::vector<Request*> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      std::size_t keys = 0;
      while (!queue_.empty() && (batch.empty() || keys + queue_.front()->keys->size() <= kMaxKeysPerCall)) {
        keys += queue_.front()->keys->size();
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    std::vector<core::OrderKey> all;
    for (const auto* request : batch) all.insert(all.end(), request->keys->begin(), request->keys->end());
    auto moved = store_.mark_orders_sent(all, clock_.now_seconds());
    for (auto* request : batch) {
      if (!moved) {
        request->done.set_value(moved.error());
        continue;
      }
      // Each caller gets back the part of the moved keys it asked for.
      std::vector<core::OrderKey> mine;
      for (const auto& key : *request->keys) {
        if (std::binary_search(moved->begin(), moved->end(), key)) mine.push_back(key);
      }
      std::sort(mine.begin(), mine.end());
      request->done.set_value(std::move(mine));
    }
  }
}

}  // namespace herald::engine
