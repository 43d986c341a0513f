#include "analysis/time_window.h"

#include <algorithm>
#include <optional>
#include <string>

namespace herald::analysis {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// A cursor over the text; reads past the end see '\0', as in the C original.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  char peek(std::size_t ahead = 0) const { return position_ + ahead < text_.size() ? text_[position_ + ahead] : '\0'; }
  void advance(std::size_t count = 1) { position_ = std::min(position_ + count, text_.size()); }
  bool at_end() const { return position_ >= text_.size(); }
  void skip_spaces() {
    while (peek() == ' ') advance();
  }
  std::string_view rest() const { return text_.substr(position_); }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
};

// One "<hour>[:<minute>][ am|pm]" as __gethour reads it: hour * 100 + minute, cursor after it.
std::optional<int> read_hour(Cursor& cursor) {
  if (!is_digit(cursor.peek())) return std::nullopt;
  int hour = 0;
  int digits = 0;
  while (is_digit(cursor.peek())) {
    if (++digits > 2) return std::nullopt;
    hour = hour * 10 + (cursor.peek() - '0');
    cursor.advance();
  }
  if (hour >= 24) return std::nullopt;

  int minute = 0;
  if (cursor.peek() == ':') {
    cursor.advance();
    const char first = cursor.peek(0);
    const char second = cursor.peek(1);
    // Wazuh refuses a third digit only when one of the first two is not a digit.
    if ((!is_digit(first) || !is_digit(second)) && is_digit(cursor.peek(2))) return std::nullopt;
    if (!is_digit(first)) return std::nullopt;
    minute = is_digit(second) ? (first - '0') * 10 + (second - '0') : first - '0';
    cursor.advance(2);  // two characters, whatever the second is
  }

  cursor.skip_spaces();
  const char meridiem = ascii_lower(cursor.peek());
  if (meridiem == 'a' || meridiem == 'p') {
    if (ascii_lower(cursor.peek(1)) != 'm') return std::nullopt;
    if (hour == 12) hour = 0;
    if (meridiem == 'p') hour += 12;
    if (hour >= 24) return std::nullopt;
    cursor.advance(2);
  }
  return hour * 100 + minute;
}

core::Error bad_time(std::string_view text, std::string_view why) {
  return core::invalid_argument("time \"" + std::string(text) + "\": " + std::string(why));
}

core::Error bad_weekday(std::string_view text, std::string_view why) {
  return core::invalid_argument("weekday \"" + std::string(text) + "\": " + std::string(why));
}

struct DayName {
  std::string_view name;
  int day;  // 0..6, or 7 weekdays, 8 weekends
};

// Tried in this order, each as a prefix, as Wazuh does ("monday" before "mon").
constexpr DayName kDayNames[] = {
    {"sunday", 0},    {"sun", 0}, {"monday", 1},   {"mon", 1},      {"tuesday", 2}, {"tue", 2},
    {"wednesday", 3}, {"wed", 3}, {"thursday", 4}, {"thu", 4},      {"friday", 5},  {"fri", 5},
    {"saturday", 6},  {"sat", 6}, {"weekdays", 7}, {"weekends", 8},
};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (ascii_lower(text[i]) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

core::Result<TimeWindow> TimeWindow::parse(std::string_view text) {
  Cursor cursor(text);
  cursor.skip_spaces();
  bool negated = false;
  if (cursor.peek() == '!') {
    negated = true;
    cursor.advance();
    cursor.skip_spaces();
  }
  const auto first = read_hour(cursor);
  if (!first) return bad_time(text, "the first hour is not h, hh, h:mm or hh:mm (0 to 23), with am/pm optional");
  cursor.skip_spaces();
  if (cursor.peek() != '-') return bad_time(text, "a '-' must separate the two hours");
  cursor.advance();
  cursor.skip_spaces();
  const auto second = read_hour(cursor);
  if (!second) return bad_time(text, "the second hour is not h, hh, h:mm or hh:mm (0 to 23), with am/pm optional");
  cursor.skip_spaces();
  if (!cursor.at_end()) return bad_time(text, "unexpected text after the second hour");

  TimeWindow window;
  if (*first > *second) {
    // Wazuh turns a reversed range into "not between them", whatever '!' said.
    window.start_ = *second;
    window.end_ = *first;
    window.outside_ = true;
  } else {
    window.start_ = *first;
    window.end_ = *second;
    window.outside_ = negated;
  }
  return window;
}

bool TimeWindow::matches(int hour, int minute) const {
  const int now = hour * 100 + minute;
  const bool inside = now >= start_ && now <= end_;
  return inside != outside_;
}

core::Result<WeekdaySet> WeekdaySet::parse(std::string_view text) {
  WeekdaySet set;
  Cursor cursor(text);
  cursor.skip_spaces();
  if (cursor.peek() == '!') {
    set.negated_ = true;
    cursor.advance();
    cursor.skip_spaces();
  }
  if (cursor.at_end()) return bad_weekday(text, "no day named");
  while (!cursor.at_end()) {
    const DayName* found = nullptr;
    for (const auto& entry : kDayNames) {
      if (starts_with_ignoring_case(cursor.rest(), entry.name)) {
        found = &entry;
        break;
      }
    }
    if (found == nullptr) {
      return bad_weekday(
          text, "days are sunday..saturday (or sun..sat), weekdays or weekends, separated by spaces or commas");
    }
    if (found->day == 7) {
      for (int day = 1; day <= 5; ++day) set.days_[day] = true;
    } else if (found->day == 8) {
      set.days_[0] = set.days_[6] = true;
    } else {
      set.days_[found->day] = true;
    }
    cursor.advance(found->name.size());
    if (cursor.peek() == ' ' || cursor.peek() == ',') {
      while (cursor.peek() == ' ' || cursor.peek() == ',') cursor.advance();
    } else if (!cursor.at_end()) {
      return bad_weekday(text, "a day name must be followed by a space, a comma or the end");
    }
  }
  return set;
}

bool WeekdaySet::matches(int weekday) const {
  if (weekday < 0 || weekday > 6) return false;
  return days_[weekday] != negated_;
}

}  // namespace herald::analysis
