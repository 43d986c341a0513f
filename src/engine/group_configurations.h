#pragma once
// The group configurations agents fetch (GET /api/v1/files?file_name=<group>.yml) and operators
// read, through a cache each io thread keeps for itself: a fleet fetching its group's file costs
// a hash lookup per request, no store read, no thread hand-off, no lock.
//
// Freshness: a change made on this node (changed() after the write committed) is seen by the next
// read on every thread. A change made by another node sharing the store is seen within max_age.
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "engine/blocking_pool.h"
#include "store/store.h"

namespace herald::engine {

class GroupConfigurations {
 public:
  // max_age 0: every read goes to the store.
  GroupConfigurations(store::GroupStore& store, BlockingPool& pool, std::chrono::milliseconds max_age);
  GroupConfigurations(const GroupConfigurations&) = delete;
  GroupConfigurations& operator=(const GroupConfigurations&) = delete;

  // What store::GroupStore::group_configuration returns: the YAML, nullopt when the group has
  // none, not_found when the group does not exist; store failures are returned, never cached.
  boost::asio::awaitable<core::Result<std::optional<std::string>>> get(const std::string& group);

  // Forgets everything cached, on every thread. Call after a group was created or deleted or its
  // configuration written. Safe from any thread.
  void changed() { generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  store::GroupStore& store_;
  BlockingPool& pool_;
  const std::chrono::milliseconds max_age_;
  const std::uint64_t id_;  // tells this instance's cache entries from another's
  std::atomic<std::uint64_t> generation_{0};
};

}  // namespace herald::engine
