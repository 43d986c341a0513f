#pragma once
// Reading the Management API's paged lists (GET /agents, /groups, /orders): the Wazuh envelope
// {"data":{"affected_items","total_affected_items","total_failed_items","failed_items"},...},
// fetched page by page with offset/limit.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cli/management_client.h"

namespace herald::cli {

// The server's largest `limit`; bigger lists take several pages.
inline constexpr std::int64_t kMaxPageSize = 100000;
// What the CLIs ask per page: large enough for few round trips, small enough to keep a page's
// JSON in the tens of megabytes.
inline constexpr std::int64_t kDefaultPageSize = 10000;

// The envelope's `data` object. Throws Failure(failure) when the reply has none.
const boost::json::object& envelope_data(const boost::json::value& reply);

// Every item of `path` (or the first `max_items`), merged into one `data` object:
// affected_items (all pages), total_affected_items (the server's total), failed_items and
// total_failed_items (all pages). Throws as ManagementClient does.
boost::json::object fetch_all_pages(ManagementClient& client, std::string_view path, QueryParams params,
                                    std::optional<std::int64_t> max_items = std::nullopt,
                                    std::int64_t page_size = kDefaultPageSize);

// The total number of items matching `params` (one request with limit=1).
std::int64_t count_items(ManagementClient& client, std::string_view path, QueryParams params);

}  // namespace herald::cli
