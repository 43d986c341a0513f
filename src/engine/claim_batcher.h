#pragma once
// Claims of orders (pending -> sent before a poll reply is written) from many polls at once, merged
// into one store call: a group command wakes thousands of parked polls together, and one UPDATE
// over all their orders costs about what one poll's does. While a call runs, new claims queue up
// and go together in the next one (group commit, one statement per batch).
//
//   ClaimBatcher claims(store, clock);
//   auto moved = claims.claim(keys);  // blocking; the keys this caller now owns, ascending
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/order.h"
#include "store/store.h"

namespace herald::engine {

class ClaimBatcher {
 public:
  // Keys handed to the store in one call, at most (a larger claim goes alone).
  static constexpr std::size_t kMaxKeysPerCall = 10'000;

  ClaimBatcher(store::OrderStore& store, const core::Clock& clock);
  ~ClaimBatcher();
  ClaimBatcher(const ClaimBatcher&) = delete;
  ClaimBatcher& operator=(const ClaimBatcher&) = delete;

  // Blocking; safe from any thread. Returns those of `keys` that moved from pending to sent,
  // ascending, or the store's error.
  core::Result<std::vector<core::OrderKey>> claim(const std::vector<core::OrderKey>& keys);

 private:
  struct Request {
    const std::vector<core::OrderKey>* keys;
    std::promise<core::Result<std::vector<core::OrderKey>>> done;
  };
  void run();

  store::OrderStore& store_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace herald::engine
