#include "engine/cluster_wakeups.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <set>

namespace herald::engine {

namespace json = boost::json;

namespace {

constexpr const char* kSubject = "cluster.wake";

json::array to_array(const std::vector<std::string>& values, std::size_t from, std::size_t count) {
  json::array array;
  array.reserve(count);
  for (std::size_t i = from; i < from + count; ++i) array.emplace_back(values[i]);
  return array;
}

}  // namespace

ClusterWakeups::ClusterWakeups(bus::EventBus* bus, store::OrderStore& store, Dispatcher& dispatcher,
                               ClusterWakeupOptions options)
    : bus_(bus), store_(store), dispatcher_(dispatcher), options_(std::move(options)) {}

ClusterWakeups::~ClusterWakeups() { stop(); }

void ClusterWakeups::start() {
  if (bus_ != nullptr) {
    subscription_ = bus_->subscribe(kSubject, [this](const std::string&, const std::string& payload) {
      receive(payload);
    });
  }
  fallback_.start(options_.fallback_interval, [this] { fallback_tick(); });
}

void ClusterWakeups::stop() {
  fallback_.stop();
  subscription_.reset();
}

void ClusterWakeups::orders_created(const std::vector<core::Order>& orders) {
  if (bus_ == nullptr) return;
  // Distinct targets: a group command has one order per agent, a request may repeat a target.
  std::set<std::string> agents, modules;
  for (const auto& order : orders) {
    if (order.agent_id) {
      agents.insert(*order.agent_id);
    } else {
      modules.insert(order.command.target.id);
    }
  }
  std::vector<std::string> agent_list(agents.begin(), agents.end());
  std::vector<std::string> module_list(modules.begin(), modules.end());
  std::size_t agent_from = 0;
  std::size_t module_from = 0;
  while (agent_from < agent_list.size() || module_from < module_list.size()) {
    const auto agent_count = std::min(kTargetsPerMessage, agent_list.size() - agent_from);
    const auto module_count = std::min(kTargetsPerMessage - agent_count, module_list.size() - module_from);
    json::object message{{"node", options_.node_name},
                         {"agents", to_array(agent_list, agent_from, agent_count)},
                         {"modules", to_array(module_list, module_from, module_count)}};
    agent_from += agent_count;
    module_from += module_count;
    bus_->publish({kSubject, json::serialize(message), bus::Durability::transient, {}});
    ++published_;
  }
}

void ClusterWakeups::receive(const std::string& payload) {
  boost::system::error_code ec;
  auto value = json::parse(payload, ec);
  if (ec || !value.is_object()) return;
  const auto& message = value.as_object();
  const auto* node = message.if_contains("node");
  if (node != nullptr && node->is_string() && node->as_string() == options_.node_name) return;  // woken locally
  ++received_;
  auto wake_all = [&](const char* field, store::DeliveryTarget::Kind kind) {
    const auto* ids = message.if_contains(field);
    if (ids == nullptr || !ids->is_array()) return;
    for (const auto& id : ids->as_array()) {
      if (id.is_string()) dispatcher_.wake({kind, std::string(id.as_string())});
    }
  };
  wake_all("agents", store::DeliveryTarget::Kind::agent);
  wake_all("modules", store::DeliveryTarget::Kind::server_module);
}

core::Result<std::size_t> ClusterWakeups::look_for_orders_of_parked_polls() {
  std::vector<std::string> agents;
  std::size_t woken = 0;
  for (auto& target : dispatcher_.parked_targets()) {
    if (target.kind == store::DeliveryTarget::Kind::agent) {
      agents.push_back(std::move(target.id));
    } else {
      dispatcher_.wake(target);
      ++woken;
    }
  }
  ++fallback_passes_;
  if (!agents.empty()) {
    auto with_orders = store_.agents_with_pending_orders(agents);
    if (!with_orders) return with_orders.error();
    for (auto& id : *with_orders) dispatcher_.wake({store::DeliveryTarget::Kind::agent, std::move(id)});
    woken += with_orders->size();
  }
  fallback_wakes_ += woken;
  return woken;
}

void ClusterWakeups::fallback_tick() {
  const bool connected = bus_ != nullptr && bus_->stats().connected;
  // While connected, wake-ups arrive by the bus; one more pass right after it came back covers
  // those sent while it was away.
  if (!connected || !was_connected_) {
    auto woken = look_for_orders_of_parked_polls();
    if (!woken && !warned_) spdlog::warn("cluster: cannot look for orders of parked polls: {}", woken.error().message);
    warned_ = !woken;
  }
  was_connected_ = connected;
}

ClusterWakeupCounts ClusterWakeups::counts() const {
  return {published_.load(), received_.load(), fallback_passes_.load(), fallback_wakes_.load()};
}

}  // namespace herald::engine
