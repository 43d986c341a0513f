// RemoteSession, the order side: a parked Dispatcher poll per connected agent, and the mapping of
// each order onto what a 4.x agent understands (legacy_action.h).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "legacy/legacy_action.h"
#include "legacy/remote_session.h"
#include "legacy/wire/manager_messages.h"

namespace herald::legacy {

namespace asio = boost::asio;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

// Groups changed through the API reach a connected agent's merged.mg within this (set-group
// orders at once).
constexpr std::int64_t kGroupsRefreshMs = 60'000;

store::ResultReport report(const core::Order& order, const std::string& agent_id, std::int64_t code,
                           std::string message) {
  store::ResultReport out;
  out.key = order.key;
  out.reporter_agent_id = agent_id;
  out.result = {code, std::move(message), std::nullopt};
  return out;
}

}  // namespace

void RemoteSession::start_order_loop() {
  if (order_loop_running_ || closed_) return;
  order_loop_running_ = true;
  asio::co_spawn(socket_.get_executor(), order_loop(),
                 asio::bind_cancellation_slot(order_loop_cancel_.slot(), asio::detached));
}

asio::awaitable<void> RemoteSession::order_loop() {
  auto self = shared_from_this();
  // A cancelled wait (the connection closed) returns an error code, never throws.
  co_await asio::this_coro::throw_if_cancelled(false);
  while (!closed_) {
    auto outcome = co_await services_.dispatcher.poll(target_);
    if (outcome.kind == engine::PollOutcome::Kind::orders) {
      co_await deliver(std::move(outcome.delivery));
      continue;
    }
    if (closed_) break;
    if (outcome.kind == engine::PollOutcome::Kind::timeout) continue;
    if (outcome.kind == engine::PollOutcome::Kind::error) {
      spdlog::warn("legacy remote: agent {}: orders unavailable: {}", target_.id, outcome.error.message);
      asio::steady_timer pause(socket_.get_executor(), std::chrono::seconds(1));
      co_await pause.async_wait(as_tuple(use_awaitable));
      continue;
    }
    break;  // replaced by another poll of the agent, or heraldd is stopping
  }
  order_loop_running_ = false;
}

asio::awaitable<void> RemoteSession::deliver(engine::Delivery delivery) {
  const std::string id = target_.id;
  std::vector<std::string> texts;
  std::vector<store::ResultReport> settled_now;        // do not depend on the write
  std::vector<store::ResultReport> settled_by_write;   // known once written
  std::vector<std::pair<core::OrderKey, std::string>> awaiting_sum;
  std::vector<core::OrderKey> restarts;
  for (const auto& order : delivery.orders) {
    auto action = legacy_action(order);
    switch (action.kind) {
      case LegacyAction::Kind::restart:
        texts.push_back(wire::restart_message(agent_version_, services_.node_name));
        restarts.push_back(order.key);
        restarts_sent_.insert(order.key);
        break;
      case LegacyAction::Kind::active_response:
        texts.push_back(wire::execd_message(services_.node_name, "API", action.command, action.extra_args,
                                            action.alert_json));
        settled_by_write.push_back(report(order, id, 0,
                                          "Delivered to the agent's active response (execd reports no result)"));
        break;
      case LegacyAction::Kind::push_config: {
        if (action.groups) {
          auto changed = co_await services_.pool.run(
              [this, &id, &action] { return services_.store.set_agent_groups(id, *action.groups); });
          if (!changed) {
            settled_now.push_back(report(order, id, 1, "Groups not changed: " + changed.error().message));
            break;
          }
          groups_ = *action.groups;
          groups_read_ms_ = now_ms();
        }
        auto groups = co_await agent_groups(!action.groups);
        auto merged = co_await services_.pool.run([this, &groups] { return services_.shared.merged_for(groups); });
        for (auto& text : wire::file_push_messages("merged.mg", merged->content)) texts.push_back(std::move(text));
        awaiting_sum.emplace_back(order.key, merged->md5);
        last_pushed_sum_ = merged->md5;
        break;
      }
      case LegacyAction::Kind::unsupported:
        settled_now.push_back(report(order, id, 1, action.failure));
        break;
    }
  }
  apply_results(std::move(settled_now));
  bool written = false;
  try {
    written = co_await send_and_wait(texts);
  } catch (const std::exception& e) {
    spdlog::warn("legacy remote: agent {}: orders not written: {}", id, e.what());
  }
  // Orders not written go back to pending (the agent never saw them), for its next connection.
  services_.dispatcher.settle(std::move(delivery), written);
  if (!written) {
    for (const auto& key : restarts) restarts_sent_.erase(key);
    co_return;
  }
  for (auto& [key, sum] : awaiting_sum) services_.confirmations.expect(id, key, sum);
  apply_results(std::move(settled_by_write));
}

asio::awaitable<void> RemoteSession::confirm_restarts() {
  // A restart order is proven by the agent starting up again: a startup on a later connection
  // than the one that delivered it. Looked up in the store, so it also works when the agent
  // comes back through another node.
  const std::string id = target_.id;
  store::OrderQuery query;
  query.status = core::OrderStatus::sent;
  query.agent_id = id;
  query.action = "restart";
  query.limit = 100;
  auto sent = co_await services_.pool.run([this, &query] { return services_.store.list_orders(query); });
  if (!sent) {
    spdlog::warn("legacy remote: agent {}: restart orders not looked up: {}", id, sent.error().message);
    co_return;
  }
  std::vector<store::ResultReport> reports;
  for (const auto& order : sent->items) {
    if (!restarts_sent_.contains(order.key)) reports.push_back(report(order, id, 0, "Agent restarted successfully"));
  }
  apply_results(std::move(reports));
}

asio::awaitable<void> RemoteSession::push_shared_configuration(std::shared_ptr<const MergedFile> merged,
                                                               std::function<void(bool)> written) {
  send_all(wire::file_push_messages("merged.mg", merged->content), std::move(written));
  co_return;
}

asio::awaitable<std::vector<std::string>> RemoteSession::agent_groups(bool fresh) {
  if (fresh || groups_read_ms_ == 0 || now_ms() - groups_read_ms_ > kGroupsRefreshMs) {
    const std::string id = target_.id;
    auto agent = co_await services_.pool.run([this, &id] { return services_.store.find_agent(id); });
    if (agent && *agent) {
      groups_ = (*agent)->groups;
      groups_read_ms_ = now_ms();
    }
  }
  co_return groups_;
}

}  // namespace herald::legacy
