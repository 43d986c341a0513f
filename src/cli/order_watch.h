#pragma once
// `herald orders watch`: follows a request's orders until every one is terminal (success or
// failure) or the watch's own timeout passes, showing progress as it goes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "cli/order_progress.h"

namespace herald::cli {

// What the watch needs from the world, injected so tests run it without a server or sleeping.
class WatchEnvironment {
 public:
  virtual ~WatchEnvironment() = default;
  // The request's orders counted by status now. May throw Failure (server unreachable...).
  virtual OrderCounts count_orders() = 0;
  virtual std::chrono::steady_clock::time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

enum class ProgressStyle {
  bar,    // redraw one line in place (stdout is a terminal)
  lines,  // a plain line whenever the counts change, and every kHeartbeat otherwise
  none,   // --json: only the final document
};

inline constexpr std::chrono::seconds kProgressHeartbeat{10};

struct WatchOptions {
  std::string request_id;
  std::int64_t total = 0;  // the request's order count (never grows: a request is stored whole)
  std::chrono::milliseconds interval{500};
  std::optional<std::chrono::milliseconds> timeout;
  ProgressStyle style = ProgressStyle::lines;
};

enum class WatchOutcome { all_success, some_failed, timed_out };

struct WatchResult {
  WatchOutcome outcome = WatchOutcome::timed_out;
  OrderCounts counts;
  std::chrono::milliseconds elapsed{0};
};

// Polls every `interval` until counts.finished() reaches `total` or `timeout` passes; writes
// progress to `progress` in the chosen style. Terminal statuses never change, so the request is
// done exactly when success + failure reaches its total.
WatchResult watch_orders(const WatchOptions& options, WatchEnvironment& environment, std::ostream& progress);

}  // namespace herald::cli
