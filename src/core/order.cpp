#include "core/order.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace herald::core {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A positive integer in canonical form (no sign, no leading zero), so that one order has exactly
// one document id.
std::optional<std::int64_t> parse_positive(std::string_view text) {
  if (text.empty() || text.front() == '0') return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}
}  // namespace

std::string_view to_string(TargetType type) {
  switch (type) {
    case TargetType::agent: return "agent";
    case TargetType::group: return "group";
    case TargetType::server: return "server";
  }
  return "agent";
}

std::optional<TargetType> parse_target_type(std::string_view text) {
  for (auto type : {TargetType::agent, TargetType::group, TargetType::server}) {
    if (iequals(text, to_string(type))) return type;
  }
  return std::nullopt;
}

std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::pending: return "pending";
    case OrderStatus::sent: return "sent";
    case OrderStatus::success: return "success";
    case OrderStatus::failure: return "failure";
  }
  return "pending";
}

std::optional<OrderStatus> parse_order_status(std::string_view text) {
  for (auto status : {OrderStatus::pending, OrderStatus::sent, OrderStatus::success, OrderStatus::failure}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

OrderStatus status_for_result_code(std::int64_t code) {
  if (code == 0) return OrderStatus::success;
  if (code == 2) return OrderStatus::sent;  // IN_PROGRESS: the agent is still working on it
  return OrderStatus::failure;
}

std::string document_id(const OrderKey& key) {
  return std::to_string(key.request_id) + "-" + std::to_string(key.order_id);
}

std::optional<OrderKey> parse_document_id(std::string_view id) {
  auto dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto request = parse_positive(id.substr(0, dash));
  auto order = parse_positive(id.substr(dash + 1));
  if (!request || !order) return std::nullopt;
  return OrderKey{*request, *order};
}

}  // namespace herald::core
