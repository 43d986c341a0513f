#pragma once
// How far a command request has got: its orders counted by status, drawn as a progress bar (on a
// terminal) or as one plain line (in logs and pipes).
#include <chrono>
#include <cstdint>
#include <string>

namespace herald::cli {

struct OrderCounts {
  std::int64_t pending = 0;
  std::int64_t sent = 0;
  std::int64_t success = 0;
  std::int64_t failure = 0;
  std::int64_t finished() const { return success + failure; }
  bool operator==(const OrderCounts&) const = default;
};

// "[####xx--....] 6/12  pending 4  sent 2  success 4  failure 2  1.5s": success '#', failure 'x',
// sent '-', pending '.', `width` cells in all, in proportion to `total`.
std::string format_progress_bar(const OrderCounts& counts, std::int64_t total, std::chrono::milliseconds elapsed,
                                int width = 30);

// "request 12: 6/12 finished (pending 4, sent 2, success 4, failure 2) after 1.5s".
std::string format_progress_line(const std::string& request_id, const OrderCounts& counts, std::int64_t total,
                                 std::chrono::milliseconds elapsed);

}  // namespace herald::cli
