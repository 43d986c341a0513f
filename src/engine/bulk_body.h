#pragma once
// The pure parts of the indexer forwarder: index names from a pattern, the `_bulk` NDJSON body,
// and the bulk response read item by item. No I/O, so the wire format is unit-tested here.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::engine {

// `pattern` with %Y (4 digits), %m, %d (2 digits) replaced by the UTC date of `epoch_seconds`
// and %% by '%'; any other character is kept as is. "wazuh-alerts-4.x-%Y.%m.%d" at
// 2026-12-08T00:00:00Z gives "wazuh-alerts-4.x-2026.12.08".
std::string index_name(std::string_view pattern, std::int64_t epoch_seconds);

// Errors (invalid_argument) for a pattern that would give names the indexer refuses or that the
// buffer cannot hold: empty, whitespace, upper case, or a '%' followed by anything but Y, m, d, %.
core::Status check_index_pattern(std::string_view pattern);

// The UTC second an alert was raised, from its id ("<epoch seconds>.<offset>", as analysisd
// numbers alerts); -1 when the id does not start with digits.
std::int64_t alert_epoch_seconds(std::string_view alert_id);

// Appends one `_bulk` index action and its document:
//   {"index":{"_index":"<index>"}}\n<document>\n
// `document` is one line of JSON (alerts.json's form) and goes as is.
void append_bulk_item(std::string& body, std::string_view index, std::string_view document);

// What a `_bulk` reply says. Items are in request order; `status` is each item's HTTP status and
// `error` its error (type: reason) when it has one.
struct BulkItemResult {
  unsigned status = 0;
  std::string error;
};
struct BulkResponse {
  bool errors = false;
  std::vector<BulkItemResult> items;
};

// Parses a 2xx `_bulk` reply body. Errors (invalid_argument) when it is not JSON, has no
// "items" array, or an item without a numeric status.
core::Result<BulkResponse> parse_bulk_response(std::string_view body);

// Whether an item (or a whole request) with this status is worth sending again: 429 and 5xx.
inline bool retryable_status(unsigned status) {
  return status == 429 || status >= 500;
}

}  // namespace herald::engine
