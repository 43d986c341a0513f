#include "cli/order_progress.h"

#include <algorithm>

#include "cli/durations.h"

namespace herald::cli {

namespace {

// Cells for each status from cumulative boundaries, so that the parts always add up to `width`.
std::string bar(const OrderCounts& counts, std::int64_t total, int width) {
  const std::int64_t parts[] = {counts.success, counts.failure, counts.sent, counts.pending};
  const char glyphs[] = {'#', 'x', '-', '.'};
  std::int64_t denominator = std::max<std::int64_t>(total, counts.pending + counts.sent + counts.finished());
  std::string cells;
  std::int64_t cumulative = 0;
  int drawn = 0;
  for (int i = 0; i < 4; ++i) {
    cumulative += parts[i];
    int boundary = denominator > 0 ? static_cast<int>(cumulative * width / denominator) : 0;
    cells.append(static_cast<std::size_t>(std::max(0, boundary - drawn)), glyphs[i]);
    drawn = std::max(drawn, boundary);
  }
  cells.append(static_cast<std::size_t>(width - drawn), ' ');
  return "[" + cells + "]";
}

}  // namespace

std::string format_progress_bar(const OrderCounts& counts, std::int64_t total, std::chrono::milliseconds elapsed,
                                int width) {
  return bar(counts, total, width) + " " + std::to_string(counts.finished()) + "/" + std::to_string(total) +
         "  pending " + std::to_string(counts.pending) + "  sent " + std::to_string(counts.sent) + "  success " +
         std::to_string(counts.success) + "  failure " + std::to_string(counts.failure) + "  " +
         format_elapsed(elapsed);
}

std::string format_progress_line(const std::string& request_id, const OrderCounts& counts, std::int64_t total,
                                 std::chrono::milliseconds elapsed) {
  return "request " + request_id + ": " + std::to_string(counts.finished()) + "/" + std::to_string(total) +
         " finished (pending " + std::to_string(counts.pending) + ", sent " + std::to_string(counts.sent) +
         ", success " + std::to_string(counts.success) + ", failure " + std::to_string(counts.failure) + ") after " +
         format_elapsed(elapsed);
}

}  // namespace herald::cli
