#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::core {

// UTC "yyyy-MM-ddTHH:mm:ssZ", second precision: the orders stream's timestamp format.
std::string format_utc(std::int64_t epoch_seconds);
// UTC "yyyy-MM-dd", used for archive file names.
std::string format_utc_date(std::int64_t epoch_seconds);
// Parses "yyyy-MM-ddTHH:mm:ssZ" (optionally with fractional seconds) back to epoch seconds.
std::optional<std::int64_t> parse_utc(std::string_view text);

// Durations as operators write them: "30d", "15m", "300s", "2h", "1w" or a bare number of
// seconds. Returns seconds; nullopt on anything else (negative, empty, unknown unit, overflow).
std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

}  // namespace herald::core
