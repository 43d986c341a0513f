#include "engine/deadline_scheduler.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace herald::engine {

namespace asio = boost::asio;

DeadlineScheduler::DeadlineScheduler(asio::io_context& io, store::OrderStore& store, BlockingPool& pool,
                                     const core::Clock& clock, OrderListener& expiry_listener)
    : strand_(asio::make_strand(io)),
      timer_(strand_),
      store_(store),
      pool_(pool),
      clock_(clock),
      expiry_listener_(expiry_listener) {}

core::Status DeadlineScheduler::start() {
  auto open = store_.open_order_deadlines();
  if (!open) return open.error();
  {
    std::lock_guard lock(mutex_);
    deadlines_.insert(open->begin(), open->end());
  }
  asio::co_spawn(strand_, run(), asio::detached);
  return core::ok_status();
}

void DeadlineScheduler::stop() {
  asio::post(strand_, [this] {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    timer_.cancel();
  });
}

void DeadlineScheduler::track(std::int64_t deadline) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = deadlines_.insert(deadline);
    wake = inserted && deadline < armed_for_;
  }
  if (wake) asio::post(strand_, [this] { timer_.cancel(); });
}

void DeadlineScheduler::orders_created(const std::vector<core::Order>& orders) {
  // A request's orders share one deadline; avoid taking the lock once per order.
  std::int64_t last = -1;
  for (const auto& order : orders) {
    if (order.deadline != last) track(order.deadline);
    last = order.deadline;
  }
}

std::size_t DeadlineScheduler::tracked_deadlines() const {
  std::lock_guard lock(mutex_);
  return deadlines_.size();
}

core::Result<std::size_t> DeadlineScheduler::expire_due(std::int64_t now) {
  auto expired = store_.expire_overdue_orders(now);
  if (!expired) return expired.error();
  if (!expired->empty()) expiry_listener_.orders_expired(*expired);
  return expired->size();
}

void DeadlineScheduler::set_cluster(std::chrono::milliseconds sweep_every, std::function<bool()> leading) {
  sweep_every_ = sweep_every;
  leading_ = std::move(leading);
}

asio::awaitable<void> DeadlineScheduler::run() {
  auto next_sweep = std::chrono::steady_clock::now();
  for (;;) {
    std::int64_t next = INT64_MAX;
    const std::int64_t now = clock_.now_seconds();
    const auto steady_now = std::chrono::steady_clock::now();
    const bool sweep = sweep_every_.count() > 0 && steady_now >= next_sweep;
    bool due = false;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) co_return;
      if (!deadlines_.empty()) next = *deadlines_.begin();
      due = next <= now;
      if (due) deadlines_.erase(deadlines_.begin(), deadlines_.upper_bound(now));
      armed_for_ = due ? INT64_MAX : next;
    }
    if (sweep) next_sweep = steady_now + sweep_every_;
    if ((due || sweep) && leading()) {
      auto expired = co_await pool_.run([this, now] { return expire_due(now); });
      if (!expired) {
        spdlog::warn("order deadlines: cannot expire orders ({}); retrying in 1 s", expired.error().message);
        track(now);
        timer_.expires_after(std::chrono::seconds(1));
        boost::system::error_code ignored;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
      } else if (*expired > 0) {
        spdlog::info("order deadlines: {} orders failed past their delivery_timestamp", *expired);
      }
      continue;
    }
    if (due) continue;  // a follower: the leader's sweep expires them
    // Sleep until the earliest deadline second begins (or an hour when there is none, or the next
    // sweep); track() cancels the wait when an earlier deadline arrives.
    auto wait = next == INT64_MAX ? std::chrono::microseconds(std::chrono::hours(1))
                                  : std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::seconds(next) - clock_.now().time_since_epoch());
    if (sweep_every_.count() > 0) {
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::microseconds>(next_sweep - steady_now));
    }
    timer_.expires_after(std::max(wait, std::chrono::microseconds(0)));
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace herald::engine
