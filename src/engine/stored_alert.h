#pragma once
// An alert as the analysis engine raised it (one alerts.json line) into the row the store keeps:
// the fields GET /alerts filters on, read out of the JSON once, on the store writer's thread.
#include <optional>
#include <string_view>

#include "analysis/analyzer.h"
#include "store/alert_store.h"

namespace herald::engine {

// nullopt when `alert.json` is not a JSON object (never from the analyzer).
std::optional<store::StoredAlert> to_stored_alert(const analysis::AlertRecord& alert);

// Wazuh's alert timestamp "2026-12-08T01:02:03.456+0100" to epoch milliseconds UTC.
std::optional<std::int64_t> parse_alert_timestamp(std::string_view text);

}  // namespace herald::engine
