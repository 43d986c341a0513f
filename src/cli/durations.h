#pragma once
// Durations as operators type them on the command line: "0.5s", "500ms", "2m", "1h", or a bare
// number of seconds ("1.5").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace herald::cli {

// nullopt for anything else: empty, negative, unknown unit, not a number, absurdly large.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "1.5s", "2m05s", "1h00m": short, for progress lines.
std::string format_elapsed(std::chrono::milliseconds elapsed);

}  // namespace herald::cli
