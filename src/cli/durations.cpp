#include "cli/durations.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace herald::cli {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  auto number = std::string(text.substr(0, digits));
  auto unit = text.substr(digits);
  if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
  double value = std::strtod(number.c_str(), nullptr);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "ms") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else if (unit == "d") {
    scale = 86'400'000;
  } else {
    return std::nullopt;
  }
  double millis = value * scale;
  if (!std::isfinite(millis) || millis > 1e15) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(millis)));
}

std::string format_elapsed(std::chrono::milliseconds elapsed) {
  auto total = elapsed.count();
  char buffer[32];
  if (total < 60'000) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(total) / 1000.0);
  } else if (total < 3'600'000) {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(total / 60'000),
                  static_cast<long long>(total / 1000 % 60));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(total / 3'600'000),
                  static_cast<long long>(total / 60'000 % 60));
  }
  return buffer;
}

}  // namespace herald::cli
