#include "core/time_format.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

namespace herald::core {

std::string format_utc(std::int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string format_utc_date(std::int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

std::optional<std::int64_t> parse_utc(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string copy(text.substr(0, 19));
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) != 6) {
    return std::nullopt;
  }
  if (text.back() != 'Z') return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::optional<std::int64_t> parse_duration_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t multiplier = 1;
  switch (text.back()) {
    case 's': multiplier = 1; text.remove_suffix(1); break;
    case 'm': multiplier = 60; text.remove_suffix(1); break;
    case 'h': multiplier = 3600; text.remove_suffix(1); break;
    case 'd': multiplier = 86400; text.remove_suffix(1); break;
    case 'w': multiplier = 7 * 86400; text.remove_suffix(1); break;
    default: break;
  }
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  if (value > std::numeric_limits<std::int64_t>::max() / multiplier) return std::nullopt;
  return value * multiplier;
}

}  // namespace herald::core
