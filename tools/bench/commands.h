// Command Manager request bodies and replies, as the bench sends and reads them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace herald::bench {

enum class TargetType { agent, group };

// {"commands":[ ×copies {"action":{"name":"restart",...},"source":"Users/Services","user":"bench",
//   "timeout":T,"target":{"id":ID,"type":"agent|group"}} ]}
std::string command_body(TargetType type, std::string_view target_id, long timeout_seconds, std::size_t copies = 1);

struct CommandReply {
  std::size_t orders = 0;   // ids in "orders"
  std::string request_id;   // "request_id"
};

// nullopt when the body is not the expected success JSON.
std::optional<CommandReply> parse_command_reply(std::string_view body);

// "total_affected_items" of a GET /orders (or any listing) reply; nullopt if missing.
std::optional<std::size_t> parse_total(std::string_view body);

}  // namespace herald::bench
