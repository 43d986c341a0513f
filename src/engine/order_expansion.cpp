#include "engine/order_expansion.h"

namespace herald::engine {

namespace {

core::Order make_order(const core::Command& command, std::int64_t now) {
  core::Order order;
  order.command = command;
  order.status = core::OrderStatus::pending;
  order.created_at = now;
  order.updated_at = now;
  order.deadline = now + command.timeout_seconds;
  return order;
}

void add_agent_orders(const core::Command& command, const std::vector<store::TargetAgent>& targets, std::int64_t now,
                      std::vector<core::Order>& orders) {
  for (const auto& target : targets) {
    auto order = make_order(command, now);
    order.command.target = {core::TargetType::agent, target.id};
    order.agent_id = target.id;
    order.agent_groups = target.groups;
    orders.push_back(std::move(order));
  }
}

}  // namespace

core::Result<std::vector<core::Order>> expand_commands(const std::vector<core::Command>& commands,
                                                       store::AgentStore& agents, std::int64_t now) {
  std::vector<core::Order> orders;
  for (const auto& command : commands) {
    switch (command.target.type) {
      case core::TargetType::server:
        orders.push_back(make_order(command, now));
        break;
      case core::TargetType::agent: {
        if (command.target.id.empty()) break;
        auto found = agents.resolve_agents({command.target.id});
        if (!found) return found.error();
        add_agent_orders(command, *found, now, orders);
        break;
      }
      case core::TargetType::group: {
        if (command.target.id.empty()) break;
        auto members = agents.group_members(command.target.id);
        if (!members) return members.error();
        add_agent_orders(command, *members, now, orders);
        break;
      }
    }
  }
  return orders;
}

}  // namespace herald::engine
