// Rule <time> and <weekday>: the formats Wazuh reads, its inclusive ends, reversed ranges (and
// how they ignore '!'), am/pm arithmetic, minute quirks, refusals, and weekday lists.
#include <gtest/gtest.h>

#include <string>

#include "analysis/time_window.h"

namespace herald::analysis {
namespace {

TimeWindow window(std::string_view text) {
  auto parsed = TimeWindow::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return std::move(parsed).value();
}

struct Normalised {
  int start, end;
  bool outside;
};

Normalised normalised(std::string_view text) {
  const auto w = window(text);
  return {w.start(), w.end(), w.outside()};
}

bool operator==(const Normalised& a, const Normalised& b) {
  return a.start == b.start && a.end == b.end && a.outside == b.outside;
}
void PrintTo(const Normalised& n, std::ostream* os) {
  *os << n.start << "-" << n.end << (n.outside ? " outside" : "");
}

TEST(AnalysisTimeWindow, Formats) {
  EXPECT_EQ(normalised("09:00 - 17:30"), (Normalised{900, 1730, false}));
  EXPECT_EQ(normalised("9-17"), (Normalised{900, 1700, false}));
  EXPECT_EQ(normalised("9:05-17:5 "), (Normalised{905, 1705, false}));
  EXPECT_EQ(normalised("9 am - 5 pm"), (Normalised{900, 1700, false}));
  EXPECT_EQ(normalised("9am-5PM"), (Normalised{900, 1700, false}));
  EXPECT_EQ(normalised("9:15 AM - 5:45 pm"), (Normalised{915, 1745, false}));
  EXPECT_EQ(normalised("  00:00-23:59  "), (Normalised{0, 2359, false}));
  EXPECT_EQ(normalised("!09:00-17:00"), (Normalised{900, 1700, true}));
  EXPECT_EQ(normalised("! 9 am - 5 pm"), (Normalised{900, 1700, true}));
}

TEST(AnalysisTimeWindow, TwelveOClock) {
  EXPECT_EQ(normalised("12 am - 12 pm"), (Normalised{0, 1200, false}));
  EXPECT_EQ(normalised("12:30 am - 1 am"), (Normalised{30, 100, false}));
  EXPECT_EQ(normalised("0 pm - 11 pm"), (Normalised{1200, 2300, false}));
  EXPECT_EQ(normalised("13 am - 14"), (Normalised{1300, 1400, false}));  // Wazuh lets "13 am" be 13
  EXPECT_FALSE(TimeWindow::parse("1 pm - 13 pm").ok());                  // 25 o'clock
}

TEST(AnalysisTimeWindow, ReversedRangesMeanOutside) {
  // The ruleset's own example: 18:01 .. 08:29, both ends excluded.
  const auto night = window("6 pm - 8:30 am");
  EXPECT_EQ(night.start(), 830);
  EXPECT_EQ(night.end(), 1800);
  EXPECT_TRUE(night.outside());
  EXPECT_TRUE(night.matches(23, 0));
  EXPECT_TRUE(night.matches(0, 0));
  EXPECT_TRUE(night.matches(8, 29));
  EXPECT_FALSE(night.matches(8, 30));
  EXPECT_FALSE(night.matches(12, 0));
  EXPECT_FALSE(night.matches(18, 0));
  EXPECT_TRUE(night.matches(18, 1));
  // A reversed range ignores '!', as Wazuh does.
  EXPECT_EQ(normalised("!6 pm - 8:30 am"), normalised("6 pm - 8:30 am"));
}

TEST(AnalysisTimeWindow, EndsAreIncludedToTheMinute) {
  const auto office = window("9 am - 5 pm");
  EXPECT_FALSE(office.matches(8, 59));
  EXPECT_TRUE(office.matches(9, 0));
  EXPECT_TRUE(office.matches(17, 0));
  EXPECT_FALSE(office.matches(17, 1));
  std::tm at{};
  at.tm_hour = 12;
  at.tm_min = 30;
  EXPECT_TRUE(office.matches(at));
  const auto not_office = window("!9 am - 5 pm");
  EXPECT_FALSE(not_office.matches(at));
  EXPECT_TRUE(not_office.matches(20, 0));
  const auto one_minute = window("10:00-10:00");
  EXPECT_TRUE(one_minute.matches(10, 0));
  EXPECT_FALSE(one_minute.matches(10, 1));
}

TEST(AnalysisTimeWindow, MinuteQuirks) {
  // Minutes are not checked against 60: 06:75 sorts between 06:59 and 07:00.
  const auto odd = window("6:75 - 8");
  EXPECT_EQ(odd.start(), 675);
  EXPECT_FALSE(odd.matches(6, 59));
  EXPECT_TRUE(odd.matches(7, 0));
  // A one-digit minute swallows the next character.
  EXPECT_EQ(normalised("6:5 pm - 7 pm"), (Normalised{1805, 1900, false}));
  EXPECT_FALSE(TimeWindow::parse("6:5pm - 7 pm").ok());
  EXPECT_FALSE(TimeWindow::parse("6:5- 7").ok());
  EXPECT_EQ(normalised("6:5 - 7"), (Normalised{605, 700, false}));
}

TEST(AnalysisTimeWindow, RefusedTexts) {
  for (const std::string bad :
       {"",        "9",          "9-",        "-9",         "9 - 17 extra", "24-25",    "9 - 24",  "007-8",
        "9 - 123", "9:123 - 10", "9:x5 - 10", "9:5x5 - 10", "am - 5 pm",    "9 xm - 5", "9 a - 5", "9 : 00 - 10",
        "9 -- 10", "9 ~ 10",     "!",         "!!9-10",     "9\t-\t10",     "+9 - 10"}) {
    const auto parsed = TimeWindow::parse(bad);
    EXPECT_FALSE(parsed.ok()) << "accepted: \"" << bad << "\"";
    if (!parsed.ok()) EXPECT_EQ(parsed.error().kind, core::ErrorKind::invalid_argument);
  }
}

WeekdaySet days(std::string_view text) {
  auto parsed = WeekdaySet::parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return std::move(parsed).value();
}

std::string which(const WeekdaySet& set) {
  std::string out;
  for (int day = 0; day < 7; ++day) out += set.matches(day) ? "SMTWTFS"[day] : '.';
  return out;
}

TEST(AnalysisWeekdaySet, NamesAndGroups) {
  EXPECT_EQ(which(days("monday")), ".M.....");
  EXPECT_EQ(which(days("Sun")), "S......");
  EXPECT_EQ(which(days("weekdays")), ".MTWTF.");
  EXPECT_EQ(which(days("weekends")), "S.....S");
  EXPECT_EQ(which(days("monday,wednesday")), ".M.W...");
  EXPECT_EQ(which(days("tue thu, sat")), "..T.T.S");
  EXPECT_EQ(which(days("  FRIDAY ,, ,SATURDAY  ")), ".....FS");
  EXPECT_EQ(which(days("weekends mon")), "SM....S");
  EXPECT_EQ(which(days("wednesday wed")), "...W...");
}

TEST(AnalysisWeekdaySet, NegatedSets) {
  EXPECT_EQ(which(days("!weekends")), ".MTWTF.");
  EXPECT_EQ(which(days("! monday")), "S.TWTFS");
  EXPECT_TRUE(days("!sunday").negated());
}

TEST(AnalysisWeekdaySet, MatchesTmWeekdays) {
  const auto set = days("weekdays");
  std::tm at{};
  at.tm_wday = 3;
  EXPECT_TRUE(set.matches(at));
  at.tm_wday = 0;
  EXPECT_FALSE(set.matches(at));
  EXPECT_FALSE(set.matches(7));
  EXPECT_FALSE(set.matches(-1));
  EXPECT_FALSE(days("!weekdays").matches(7));
  EXPECT_TRUE(set.includes(1));
  EXPECT_FALSE(set.includes(9));
}

TEST(AnalysisWeekdaySet, RefusedTexts) {
  for (const std::string bad : {"", "   ", "!", "funday", "monday - friday", "mondays", "monx", ",monday",
                                "monday;tuesday", "weekend", "mon\ttue", "sun!"}) {
    const auto parsed = WeekdaySet::parse(bad);
    EXPECT_FALSE(parsed.ok()) << "accepted: \"" << bad << "\"";
    if (!parsed.ok()) EXPECT_EQ(parsed.error().kind, core::ErrorKind::invalid_argument);
  }
}

}  // namespace
}  // namespace herald::analysis
