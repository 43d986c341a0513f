#pragma once
// A rule's <time> and <weekday>: when, in the manager's local time, a rule may match. The caller
// passes the time (Wazuh uses the time the event is processed); nothing here reads a clock.
//
// <time>, as Wazuh's OS_IsValidTime reads it: "<hour> - <hour>" with optional spaces, an optional
// leading '!', and hours written "h", "hh", "h:mm" or "hh:mm", each optionally followed by "am"
// or "pm" (any case, spaces allowed before it): "6 pm - 8:30 am", "!09:00-17:00", "9 am - 5 pm".
// The range includes both ends, to the minute ("HH:MM" compared as text, seconds ignored).
// Wazuh's rules, kept exactly:
//   - a range whose start comes after its end means "outside [end, start]": "6 pm - 8:30 am"
//     matches 18:01..23:59 and 00:00..08:29, but neither 18:00 nor 08:30; and such a reversed
//     range ignores a leading '!' ("!6 pm - 8 am" is the same as "6 pm - 8 am");
//   - "12 am" is 00, "12 pm" is 12, "h pm" adds 12 and must stay below 24, "13 am" is 13;
//   - minutes are not checked against 60 ("6:75" sorts as 06:75, between 06:59 and 07:00), and a
//     one-digit minute swallows the character after it ("6:5 pm" is 18:05, "6:5pm" is refused).
// Herald refuses hours and minutes that are missing or do not start with a digit ("am - 5 pm",
// "9-", "6: 5"), which Wazuh logs as an error and then reads as 0.
//
// <weekday>, as OS_IsValidDay reads it: day names or their three-letter forms (sunday/sun ...
// saturday/sat), "weekdays" (monday to friday) and "weekends" (saturday and sunday), any case,
// separated by spaces and/or commas: "monday,wednesday", "sat sun", "weekdays". Ranges such as
// "monday - friday" are refused, as Wazuh refuses them. A leading '!' negates; Wazuh 4.14 refuses
// any '!' weekday (a bug), so accepting it changes no ruleset Wazuh loads.
//
// Values; immutable after construction, safe for concurrent use.
#include <array>
#include <ctime>
#include <string_view>

#include "core/result.h"

namespace herald::analysis {

class TimeWindow {
 public:
  // Errors: invalid_argument naming the text.
  static core::Result<TimeWindow> parse(std::string_view text);

  // hour 0..23, minute 0..59 of the local time.
  bool matches(int hour, int minute) const;
  bool matches(const std::tm& local_time) const { return matches(local_time.tm_hour, local_time.tm_min); }

  // The normalised range: hour * 100 + minute of each end (start <= end), and whether it matches
  // outside that range rather than inside.
  int start() const { return start_; }
  int end() const { return end_; }
  bool outside() const { return outside_; }

 private:
  TimeWindow() = default;

  int start_ = 0;
  int end_ = 0;
  bool outside_ = false;
};

class WeekdaySet {
 public:
  // Errors: invalid_argument naming the text.
  static core::Result<WeekdaySet> parse(std::string_view text);

  // weekday as std::tm's tm_wday: 0 Sunday .. 6 Saturday; anything else never matches.
  bool matches(int weekday) const;
  bool matches(const std::tm& local_time) const { return matches(local_time.tm_wday); }

  bool includes(int weekday) const { return weekday >= 0 && weekday <= 6 && days_[weekday]; }
  bool negated() const { return negated_; }

 private:
  WeekdaySet() = default;

  std::array<bool, 7> days_{};
  bool negated_ = false;
};

}  // namespace herald::analysis
