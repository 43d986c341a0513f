#pragma once
// The domain values of the Command Manager: a parsed Command, the Orders it expands into, and
// their lifecycle. Plain structs; JSON appears only where they are read or written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::core {

enum class TargetType { agent, group, server };
std::string_view to_string(TargetType type);
std::optional<TargetType> parse_target_type(std::string_view text);  // case-insensitive

struct Target {
  TargetType type = TargetType::agent;
  std::string id;
};

struct Action {
  std::string name;
  std::string args_json = "{}";           // normalized args object, serialized
  std::optional<std::string> version;     // null when absent
};

// One validated command as received by POST /_plugins/_command_manager/commands.
struct Command {
  std::string source;
  std::optional<std::string> user;
  Target target;
  Action action;
  int timeout_seconds = 0;  // 1..32767
};

enum class OrderStatus { pending, sent, success, failure };
std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> parse_order_status(std::string_view text);
inline bool is_terminal(OrderStatus s) { return s == OrderStatus::success || s == OrderStatus::failure; }

// Agent result codes (wire-protocol c8): 0 SUCCESS, 1 FAILURE, 2 IN_PROGRESS, 3 TIMEOUT, 4 UNKNOWN.
// The one place that turns a result code into an order status.
OrderStatus status_for_result_code(std::int64_t code);

struct OrderResult {
  std::int64_t code = 0;
  std::string message;
  std::optional<std::string> data_json;
};

// Identifies an order: request_id is auto-incremental per command request, order_id is
// auto-incremental within its request; the document id ("<request>-<order>") combines both.
struct OrderKey {
  std::int64_t request_id = 0;
  std::int64_t order_id = 0;
  friend bool operator==(const OrderKey&, const OrderKey&) = default;
  friend auto operator<=>(const OrderKey&, const OrderKey&) = default;
};
std::string document_id(const OrderKey& key);
std::optional<OrderKey> parse_document_id(std::string_view id);

struct Order {
  OrderKey key;
  Command command;                          // target is {agent, <uuid>} after expansion
  std::optional<std::string> agent_id;      // empty for server orders
  std::optional<std::vector<std::string>> agent_groups;  // the `agent.groups` copied at expansion
  OrderStatus status = OrderStatus::pending;
  std::int64_t created_at = 0;              // epoch seconds (@timestamp)
  std::int64_t deadline = 0;                // created_at + timeout (delivery_timestamp)
  std::int64_t updated_at = 0;
  std::optional<OrderResult> result;
  std::optional<std::string> agent_metadata_json;  // merged in from the agent's result report
};

// Reasons the scheduler writes when an order runs out of time.
inline constexpr std::string_view kNotDeliveredMessage =
    "Order expired: not delivered to the agent before its deadline";
inline constexpr std::string_view kNoResultMessage =
    "Order expired: no result reported before its deadline";

}  // namespace herald::core
