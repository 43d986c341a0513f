#include "core/time_format.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

namespace herald::core {

namespace {
std::string format_gmtime(std::int64_t epoch_seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}
}  // namespace

std::string format_utc(std::int64_t epoch_seconds) { return format_gmtime(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ"); }

std::string format_utc_date(std::int64_t epoch_seconds) { return format_gmtime(epoch_seconds, "%Y-%m-%d"); }

namespace {
// Reads exactly `width` ASCII digits at `at`.
std::optional<int> digits(std::string_view text, std::size_t at, std::size_t width) {
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }
}  // namespace

std::optional<std::int64_t> parse_utc(std::string_view text) {
  // Exactly "yyyy-MM-ddTHH:mm:ss", optional ".fraction", then "Z".
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  std::size_t end = 19;
  if (text[end] == '.') {
    ++end;
    std::size_t first = end;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    if (end == first) return std::nullopt;
  }
  if (end + 1 != text.size() || text[end] != 'Z') return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  int days_in_month = kDays[*month - 1] + (*month == 2 && is_leap(*year) ? 1 : 0);
  if (*day < 1 || *day > days_in_month) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
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
