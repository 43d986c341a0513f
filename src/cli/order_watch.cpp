#include "cli/order_watch.h"

#include <algorithm>
#include <ostream>

namespace herald::cli {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

WatchResult watch_orders(const WatchOptions& options, WatchEnvironment& environment, std::ostream& progress) {
  auto start = environment.now();
  std::optional<OrderCounts> shown;
  auto shown_at = start;
  WatchResult result;
  for (;;) {
    result.counts = environment.count_orders();
    // Statuses are counted one after the other (terminal ones last): an order that moved on
    // meanwhile is counted twice. Terminal counts are the latest; trim the earlier ones.
    auto excess = result.counts.pending + result.counts.sent + result.counts.finished() - options.total;
    for (auto* earlier : {&result.counts.sent, &result.counts.pending}) {
      auto trimmed = std::min(*earlier, std::max<std::int64_t>(excess, 0));
      *earlier -= trimmed;
      excess -= trimmed;
    }
    auto now = environment.now();
    result.elapsed = duration_cast<milliseconds>(now - start);
    bool done = result.counts.finished() >= options.total;
    bool out_of_time = !done && options.timeout && result.elapsed >= *options.timeout;

    if (options.style == ProgressStyle::bar) {
      // \r and "erase to end of line" redraw the bar in place.
      progress << "\r" << format_progress_bar(result.counts, options.total, result.elapsed) << "\x1b[K";
      if (done || out_of_time) progress << "\n";
      progress.flush();
    } else if (options.style == ProgressStyle::lines &&
               (shown != result.counts || now - shown_at >= kProgressHeartbeat || done || out_of_time)) {
      progress << format_progress_line(options.request_id, result.counts, options.total, result.elapsed) << "\n";
      progress.flush();
      shown = result.counts;
      shown_at = now;
    }

    if (done) {
      result.outcome = result.counts.failure > 0 ? WatchOutcome::some_failed : WatchOutcome::all_success;
      return result;
    }
    if (out_of_time) {
      result.outcome = WatchOutcome::timed_out;
      return result;
    }
    auto pause = options.interval;
    if (options.timeout) pause = std::min(pause, *options.timeout - result.elapsed);
    environment.sleep_for(pause);
  }
}

}  // namespace herald::cli
