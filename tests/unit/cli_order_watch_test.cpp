// herald orders watch: progress drawing and the polling loop, on a fake clock and fake counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <sstream>

#include "cli/order_progress.h"
#include "cli/order_watch.h"

namespace herald::cli {
namespace {

using std::chrono::milliseconds;

OrderCounts counts(std::int64_t pending, std::int64_t sent, std::int64_t success, std::int64_t failure) {
  OrderCounts c;
  c.pending = pending;
  c.sent = sent;
  c.success = success;
  c.failure = failure;
  return c;
}

TEST(CliOrderProgress, BarShowsEachStatusInProportion) {
  EXPECT_EQ(format_progress_bar(counts(4, 2, 4, 2), 12, milliseconds(1500), 12),
            "[####xx--....] 6/12  pending 4  sent 2  success 4  failure 2  1.5s");
  EXPECT_EQ(format_progress_bar(counts(0, 0, 3, 0), 3, milliseconds(0), 6),
            "[######] 3/3  pending 0  sent 0  success 3  failure 0  0.0s");
  EXPECT_EQ(format_progress_bar(counts(0, 0, 0, 0), 0, milliseconds(0), 4),
            "[    ] 0/0  pending 0  sent 0  success 0  failure 0  0.0s");
  // Rounding never overflows or underfills the bar.
  for (int success = 0; success <= 7; ++success) {
    auto bar = format_progress_bar(counts(7 - success, 0, success, 0), 7, milliseconds(0), 10);
    EXPECT_EQ(bar.find(']'), 11u) << bar;
  }
}

TEST(CliOrderProgress, Line) {
  EXPECT_EQ(format_progress_line("12", counts(1, 2, 3, 4), 10, milliseconds(2500)),
            "request 12: 7/10 finished (pending 1, sent 2, success 3, failure 4) after 2.5s");
}

// Returns scripted counts, one per poll (the last repeats), on a clock that moves only in sleeps.
class FakeWatch final : public WatchEnvironment {
 public:
  explicit FakeWatch(std::deque<OrderCounts> script) : script_(std::move(script)) {}
  OrderCounts count_orders() override {
    ++polls;
    auto counts = script_.front();
    if (script_.size() > 1) script_.pop_front();
    return counts;
  }
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::time_point(elapsed); }
  void sleep_for(milliseconds duration) override {
    sleeps.push_back(duration);
    elapsed += duration;
  }
  int polls = 0;
  milliseconds elapsed{0};
  std::vector<milliseconds> sleeps;

 private:
  std::deque<OrderCounts> script_;
};

WatchOptions options(ProgressStyle style, std::optional<milliseconds> timeout = std::nullopt) {
  WatchOptions o;
  o.request_id = "12";
  o.total = 3;
  o.interval = milliseconds(500);
  o.timeout = timeout;
  o.style = style;
  return o;
}

TEST(CliOrderWatch, EndsWhenAllSucceed) {
  FakeWatch fake({counts(3, 0, 0, 0), counts(0, 3, 0, 0), counts(0, 1, 2, 0), counts(0, 0, 3, 0)});
  std::ostringstream progress;
  auto result = watch_orders(options(ProgressStyle::lines), fake, progress);
  EXPECT_EQ(result.outcome, WatchOutcome::all_success);
  EXPECT_EQ(result.counts.success, 3);
  EXPECT_EQ(fake.polls, 4);
  EXPECT_EQ(fake.sleeps, std::vector<milliseconds>(3, milliseconds(500)));
  EXPECT_EQ(result.elapsed, milliseconds(1500));
  EXPECT_EQ(progress.str(),
            "request 12: 0/3 finished (pending 3, sent 0, success 0, failure 0) after 0.0s\n"
            "request 12: 0/3 finished (pending 0, sent 3, success 0, failure 0) after 0.5s\n"
            "request 12: 2/3 finished (pending 0, sent 1, success 2, failure 0) after 1.0s\n"
            "request 12: 3/3 finished (pending 0, sent 0, success 3, failure 0) after 1.5s\n");
}

TEST(CliOrderWatch, AnOrderThatMovedBetweenTwoCountsIsNotCountedTwice) {
  // Read as sent, then (its result in) as success: 4 of 3.
  FakeWatch fake({counts(1, 1, 2, 0), counts(0, 1, 3, 0)});
  std::ostringstream progress;
  auto result = watch_orders(options(ProgressStyle::lines), fake, progress);
  EXPECT_EQ(progress.str(),
            "request 12: 2/3 finished (pending 1, sent 0, success 2, failure 0) after 0.0s\n"
            "request 12: 3/3 finished (pending 0, sent 0, success 3, failure 0) after 0.5s\n");
  EXPECT_EQ(result.counts.sent, 0);
}

TEST(CliOrderWatch, AnyFailureIsReported) {
  FakeWatch fake({counts(0, 3, 0, 0), counts(0, 0, 2, 1)});
  std::ostringstream progress;
  auto result = watch_orders(options(ProgressStyle::none), fake, progress);
  EXPECT_EQ(result.outcome, WatchOutcome::some_failed);
  EXPECT_EQ(result.counts.failure, 1);
  EXPECT_EQ(progress.str(), "");
}

TEST(CliOrderWatch, GivesUpAtItsTimeoutWithoutOversleeping) {
  FakeWatch fake({counts(1, 0, 2, 0)});
  std::ostringstream progress;
  auto result = watch_orders(options(ProgressStyle::none, milliseconds(1200)), fake, progress);
  EXPECT_EQ(result.outcome, WatchOutcome::timed_out);
  EXPECT_EQ(fake.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(500), milliseconds(200)}));
  EXPECT_EQ(result.elapsed, milliseconds(1200));
  EXPECT_EQ(result.counts.pending, 1);
}

TEST(CliOrderWatch, PlainLinesOnlyWhenCountsChangeOrAsAHeartbeat) {
  // 25 polls of the same counts (12 s at 0.5 s), then done.
  std::deque<OrderCounts> script(25, counts(0, 3, 0, 0));
  script.push_back(counts(0, 0, 3, 0));
  FakeWatch fake(std::move(script));
  std::ostringstream progress;
  auto result = watch_orders(options(ProgressStyle::lines), fake, progress);
  EXPECT_EQ(result.outcome, WatchOutcome::all_success);
  EXPECT_EQ(progress.str(),
            "request 12: 0/3 finished (pending 0, sent 3, success 0, failure 0) after 0.0s\n"
            "request 12: 0/3 finished (pending 0, sent 3, success 0, failure 0) after 10.0s\n"
            "request 12: 3/3 finished (pending 0, sent 0, success 3, failure 0) after 12.5s\n");
}

TEST(CliOrderWatch, BarRedrawsInPlaceAndEndsTheLine) {
  FakeWatch fake({counts(3, 0, 0, 0), counts(0, 0, 3, 0)});
  std::ostringstream progress;
  auto o = options(ProgressStyle::bar);
  (void)watch_orders(o, fake, progress);
  auto text = progress.str();
  EXPECT_EQ(text.substr(0, 2), "\r[");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 2);
  EXPECT_EQ(text.find("\x1b[K\r"), text.find("\r", 1) - 3);  // the first draw is erased to its end
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("3/3"), std::string::npos);
}

}  // namespace
}  // namespace herald::cli
