#pragma once
// Logs NATS outages once each: one warning when the server becomes unreachable (events are being
// dropped from then on) and one when it is back, with how many events the outage cost. A flood
// of per-event errors would bury the rest of heraldd's log.
//
// Used by the bus worker thread only (not thread-safe).
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::bus {

// The URL without its user:password part, fit for a log line.
std::string url_for_logs(std::string_view url);

class OutageLog {
 public:
  explicit OutageLog(std::string url) : url_(std::move(url)) {}

  // Reports the link state as last seen and the bus's total dropped count.
  void observe(bool connected, std::uint64_t dropped_total);

 private:
  enum class Link { unknown, up, down };

  const std::string url_;
  Link link_ = Link::unknown;
  std::uint64_t dropped_before_outage_ = 0;
};

}  // namespace herald::bus
