#include "engine/dispatcher.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <thread>

namespace herald::engine {

namespace asio = boost::asio;

// A parked poll: a timer on the poll's own executor that serves as its alarm clock. Waking it
// means cancelling the timer, which must happen on that executor.
struct Dispatcher::Waiter : std::enable_shared_from_this<Waiter> {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  std::atomic<PollOutcome::Kind> reason{PollOutcome::Kind::timeout};
  std::atomic<bool> woken{false};

  void wake(PollOutcome::Kind why) {
    if (woken.exchange(true)) return;
    reason = why;
    asio::post(timer.get_executor(), [self = shared_from_this()] { self->timer.cancel(); });
  }
};

namespace {

// A parked poll whose store read failed waits a second before reading again; false when its
// timeout comes first.
asio::awaitable<bool> waited_for_store(const asio::any_io_executor& executor,
                                       std::chrono::steady_clock::time_point deadline) {
  if (std::chrono::steady_clock::now() + std::chrono::seconds(1) >= deadline) co_return false;
  asio::steady_timer retry(executor, std::chrono::seconds(1));
  boost::system::error_code ignored;
  co_await retry.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  co_return true;
}

}  // namespace

Dispatcher::Dispatcher(store::OrderStore& store, BlockingPool& pool, const core::Clock& clock,
                       DispatcherOptions options)
    : store_(store), pool_(pool), clock_(clock), options_(options), claims_(store, clock) {}

Dispatcher::~Dispatcher() = default;

std::string Dispatcher::key_of(const store::DeliveryTarget& target) {
  if (target.kind == store::DeliveryTarget::Kind::agent) return "agent/" + target.id;
  std::string lower = target.id;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "server/" + lower;
}

Dispatcher::Shard& Dispatcher::shard_of(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

asio::awaitable<PollOutcome> Dispatcher::poll(const store::DeliveryTarget& target) {
  const auto key = key_of(target);
  auto& shard = shard_of(key);
  const auto executor = co_await asio::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + options_.poll_timeout;

  // Keeps this target's slot (and its wake generation) alive for the whole poll.
  struct Presence {
    Shard& shard;
    const std::string& key;
    Presence(Shard& s, const std::string& k) : shard(s), key(k) {
      std::lock_guard lock(shard.mutex);
      ++shard.slots[key].active_polls;
    }
    ~Presence() {
      std::lock_guard lock(shard.mutex);
      auto it = shard.slots.find(key);
      if (it == shard.slots.end()) return;
      --it->second.active_polls;
      if (it->second.unused()) shard.slots.erase(it);
    }
  } presence(shard, key);

  bool has_parked = false;
  for (;;) {
    if (stopped_) co_return PollOutcome{PollOutcome::Kind::stopping, {}, {}};
    std::uint64_t generation = 0;
    std::size_t already_reserved = 0;
    {
      std::lock_guard lock(shard.mutex);
      auto& slot = shard.slots[key];
      generation = slot.generation;
      already_reserved = slot.reserved.size();
    }
    // Ask for enough to skip what earlier replies still hold.
    const auto limit = options_.max_orders_per_poll + static_cast<std::int64_t>(already_reserved);
    auto pending = co_await pool_.run([&] { return store_.pending_orders_for(target, limit); });
    if (!pending && !has_parked) co_return PollOutcome{PollOutcome::Kind::error, {}, pending.error()};
    if (!pending) {
      // Parked already: the agent keeps waiting while the store is away.
      if (co_await waited_for_store(executor, deadline)) continue;
      co_return PollOutcome{PollOutcome::Kind::timeout, {}, {}};
    }

    auto waiter = std::make_shared<Waiter>(executor);
    Delivery delivery{target, {}};
    std::shared_ptr<Waiter> replaced;
    bool parked = false;
    {
      std::lock_guard lock(shard.mutex);
      auto& slot = shard.slots[key];
      // What we read may be stale (delivered meanwhile): the claim below sorts that out.
      for (auto& order : *pending) {
        if (static_cast<std::int64_t>(delivery.orders.size()) >= options_.max_orders_per_poll) break;
        if (slot.reserved.insert(order.key).second) delivery.orders.push_back(std::move(order));
      }
      if (delivery.orders.empty() && slot.generation == generation) {
        // Nothing to hand out and nothing arrived meanwhile: park, replacing an older poll.
        replaced = std::exchange(slot.waiter, waiter);
        parked = true;
      }
    }
    if (replaced) replaced->wake(PollOutcome::Kind::replaced);
    if (!delivery.orders.empty()) {
      auto claimed = co_await pool_.run([&] { return claim(delivery); });
      if (!claimed && !has_parked) co_return PollOutcome{PollOutcome::Kind::error, {}, claimed.error()};
      if (!claimed) {
        if (co_await waited_for_store(executor, deadline)) continue;
        co_return PollOutcome{PollOutcome::Kind::timeout, {}, {}};
      }
      if (delivery.orders.empty()) continue;  // all taken meanwhile: look again
      co_return PollOutcome{PollOutcome::Kind::orders, std::move(delivery), {}};
    }
    if (!parked) continue;  // an order arrived while we queried: look again at once
    has_parked = true;
    if (stopped_) waiter->wake(PollOutcome::Kind::stopping);

    // However the wait ends (woken, timed out, or the poll cancelled because its client hung
    // up), the slot forgets this waiter.
    struct Unpark {
      Shard& shard;
      const std::string& key;
      const std::shared_ptr<Waiter>& waiter;
      ~Unpark() {
        std::lock_guard lock(shard.mutex);
        auto it = shard.slots.find(key);
        if (it != shard.slots.end() && it->second.waiter == waiter) {
          it->second.waiter.reset();
          if (it->second.unused()) shard.slots.erase(it);
        }
      }
    };
    {
      Unpark unpark{shard, key, waiter};
      waiter->timer.expires_at(deadline);
      boost::system::error_code ignored;
      co_await waiter->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (!waiter->woken) co_return PollOutcome{PollOutcome::Kind::timeout, {}, {}};
    auto reason = waiter->reason.load();
    if (reason != PollOutcome::Kind::orders) co_return PollOutcome{reason, {}, {}};
    if (std::chrono::steady_clock::now() >= deadline) co_return PollOutcome{PollOutcome::Kind::timeout, {}, {}};
    // Woken for new orders: loop and fetch them.
  }
}

core::Status Dispatcher::claim(Delivery& delivery) {
  std::vector<core::OrderKey> keys;
  keys.reserve(delivery.orders.size());
  for (const auto& order : delivery.orders) keys.push_back(order.key);
  auto claimed = claims_.claim(keys);
  if (!claimed) {
    release(delivery);
    delivery.orders.clear();
    return claimed.error();
  }
  if (claimed->size() == keys.size()) return core::ok_status();
  // Not pending any more: another node delivered them, or a result or expiry came first.
  Delivery taken{delivery.target, {}};
  std::vector<core::Order> ours;
  for (auto& order : delivery.orders) {
    if (std::binary_search(claimed->begin(), claimed->end(), order.key)) {
      ours.push_back(std::move(order));
    } else {
      taken.orders.push_back(std::move(order));
    }
  }
  delivery.orders = std::move(ours);
  release(taken);
  return core::ok_status();
}

void Dispatcher::settle(Delivery delivery, bool written) {
  if (written) {
    if (delivery_listener_ != nullptr) delivery_listener_->orders_sent(delivery.orders);
    release(delivery);
    return;
  }
  // The agent never got them: give them back for its next poll, here or on another node.
  pool_.post([this, delivery = std::move(delivery)] {
    std::vector<core::OrderKey> keys;
    for (const auto& order : delivery.orders) keys.push_back(order.key);
    for (int attempt = 1;; ++attempt) {
      auto returned = store_.return_orders_to_pending(keys, clock_.now_seconds());
      if (returned) {
        if (delivery_listener_ != nullptr) delivery_listener_->orders_returned(delivery.orders);
        break;
      }
      if (attempt == 5) {
        // They stay `sent` and fail at their deadline: at most once, never twice.
        spdlog::error("dispatcher: cannot give {} undelivered orders back: {}", keys.size(), returned.error().message);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
    }
    release(delivery);
    wake(delivery.target);
  });
}

void Dispatcher::release(const Delivery& delivery) {
  const auto key = key_of(delivery.target);
  auto& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  auto it = shard.slots.find(key);
  if (it == shard.slots.end()) return;
  for (const auto& order : delivery.orders) it->second.reserved.erase(order.key);
  if (it->second.unused()) shard.slots.erase(it);
}

void Dispatcher::wake_key(const std::string& key) {
  auto& shard = shard_of(key);
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.slots.find(key);
    if (it == shard.slots.end()) return;  // nobody is polling right now: the next poll finds the orders
    ++it->second.generation;
    waiter = it->second.waiter;
  }
  if (waiter) waiter->wake(PollOutcome::Kind::orders);
}

void Dispatcher::wake(const store::DeliveryTarget& target) { wake_key(key_of(target)); }

void Dispatcher::orders_created(const std::vector<core::Order>& orders) {
  std::string last;
  for (const auto& order : orders) {
    store::DeliveryTarget target =
        order.agent_id ? store::DeliveryTarget{store::DeliveryTarget::Kind::agent, *order.agent_id}
                       : store::DeliveryTarget{store::DeliveryTarget::Kind::server_module, order.command.target.id};
    auto key = key_of(target);
    if (key == last) continue;
    wake_key(key);
    last = std::move(key);
  }
}

void Dispatcher::stop() {
  stopped_ = true;
  for (auto& shard : shards_) {
    std::vector<std::shared_ptr<Waiter>> waiters;
    {
      std::lock_guard lock(shard.mutex);
      for (auto& [key, slot] : shard.slots) {
        if (slot.waiter) waiters.push_back(slot.waiter);
      }
    }
    for (auto& waiter : waiters) waiter->wake(PollOutcome::Kind::stopping);
  }
}

std::size_t Dispatcher::parked_polls() const {
  std::size_t count = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, slot] : shard.slots) count += slot.waiter ? 1 : 0;
  }
  return count;
}

std::vector<store::DeliveryTarget> Dispatcher::parked_targets() const {
  std::vector<store::DeliveryTarget> targets;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, slot] : shard.slots) {
      if (!slot.waiter) continue;
      if (key.starts_with("agent/")) {
        targets.push_back({store::DeliveryTarget::Kind::agent, key.substr(6)});
      } else {
        targets.push_back({store::DeliveryTarget::Kind::server_module, key.substr(7)});
      }
    }
  }
  return targets;
}

std::size_t Dispatcher::reserved_orders() const {
  std::size_t count = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [key, slot] : shard.slots) count += slot.reserved.size();
  }
  return count;
}

}  // namespace herald::engine
