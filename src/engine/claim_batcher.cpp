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
    // Each moved key goes to the first caller that asked for it (two callers asking for one
    // order, both in this batch: only one of them owns it, as if they had called one by one).
    std::vector<bool> handed_out(moved ? moved->size() : 0, false);
    for (auto* request : batch) {
      if (!moved) {
        request->done.set_value(moved.error());
        continue;
      }
      std::vector<core::OrderKey> mine;
      for (const auto& key : *request->keys) {
        auto found = std::lower_bound(moved->begin(), moved->end(), key);
        if (found == moved->end() || *found != key) continue;
        auto index = static_cast<std::size_t>(found - moved->begin());
        if (handed_out[index]) continue;
        handed_out[index] = true;
        mine.push_back(key);
      }
      std::sort(mine.begin(), mine.end());
      request->done.set_value(std::move(mine));
    }
  }
}

}  // namespace herald::engine
