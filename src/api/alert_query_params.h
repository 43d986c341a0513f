#pragma once
// GET /alerts parameters into a store::AlertQuery: from, to (ISO-8601 or epoch seconds), level
// (minimum), rule_id, group, agent_id, search, offset, limit (at most 500, default 100) and sort
// (-timestamp, +timestamp, -level).
#include <variant>

#include "http/message.h"
#include "store/alert_store.h"

namespace herald::api {

inline constexpr std::int64_t kMaxAlertPage = 500;

// The parsed query, or the 400 reply naming the bad parameter.
std::variant<store::AlertQuery, http::Response> parse_alert_query(const http::Request& request);

// "2026-12-08T01:02:03Z", "2026-12-08T01:02:03.250Z", "2026-12-08T01:02:03.250+0100" or epoch
// seconds ("1796000000") to epoch milliseconds.
std::optional<std::int64_t> parse_alert_time(std::string_view text);

}  // namespace herald::api
