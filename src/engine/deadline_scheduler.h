#pragma once
// Data flow 4: fails pending and sent orders once their delivery_timestamp has passed, within a
// second of it and with no cap per pass. Deadlines are kept in an ordered set of distinct
// seconds (many orders share one); the timer sleeps until the earliest, and the store's
// (status, deadline) index finds the due orders, so nothing ever scans the whole table.
//
// In a cluster (set_cluster) only the leading node expires orders, and since it does not hear of
// deadlines of orders other nodes created, it also sweeps the index every `sweep_every`; a
// follower forgets its deadlines as they pass.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>

#include "core/clock.h"
#include "engine/blocking_pool.h"
#include "engine/order_listener.h"
#include "store/store.h"

namespace herald::engine {

class DeadlineScheduler final : public OrderListener {
 public:
  DeadlineScheduler(boost::asio::io_context& io, store::OrderStore& store, BlockingPool& pool,
                    const core::Clock& clock, OrderListener& expiry_listener);

  // Loads the deadlines of open orders (resuming after a restart) and starts the timer loop.
  // Blocking (reads the store). Returns the store's error if it cannot be read.
  core::Status start();
  void stop();
  // Cluster mode: expire only while `leading()` says so, and sweep every `sweep_every`. Call
  // before start().
  void set_cluster(std::chrono::milliseconds sweep_every, std::function<bool()> leading);

  // Registers a deadline (epoch seconds). Safe for concurrent use.
  void track(std::int64_t deadline);
  // OrderListener: new orders bring their deadlines.
  void orders_created(const std::vector<core::Order>& orders) override;

  // Expires everything due at `now` (blocking). Returns how many orders became failure.
  core::Result<std::size_t> expire_due(std::int64_t now);

  std::size_t tracked_deadlines() const;

 private:
  boost::asio::awaitable<void> run();
  bool leading() const { return !leading_ || leading_(); }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  store::OrderStore& store_;
  BlockingPool& pool_;
  const core::Clock& clock_;
  OrderListener& expiry_listener_;
  mutable std::mutex mutex_;
  std::set<std::int64_t> deadlines_;
  std::int64_t armed_for_ = INT64_MAX;  // the deadline the timer sleeps until
  bool stopped_ = false;
  std::chrono::milliseconds sweep_every_{0};  // 0: no sweeps (a sole node tracks every deadline)
  std::function<bool()> leading_;
};

}  // namespace herald::engine
