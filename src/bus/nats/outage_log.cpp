#include "bus/nats/outage_log.h"

#include <spdlog/spdlog.h>

namespace herald::bus {

std::string url_for_logs(std::string_view url) {
  auto scheme_end = url.find("://");
  auto authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto at = url.find('@', authority);
  if (at == std::string_view::npos || url.find('/', authority) < at) return std::string(url);
  return std::string(url.substr(0, authority)) + "***@" + std::string(url.substr(at + 1));
}

void OutageLog::observe(bool connected, std::uint64_t dropped_total) {
  if (connected) {
    if (link_ == Link::down) {
      // A warning too, so that whoever saw the outage at the warn level also sees its end.
      spdlog::warn("NATS reachable again at {}, {} events dropped during the outage", url_,
                   dropped_total - dropped_before_outage_);
    } else if (link_ == Link::unknown) {
      spdlog::info("NATS connected at {}", url_);
    }
    link_ = Link::up;
    return;
  }
  if (link_ == Link::down) return;
  spdlog::warn("NATS unreachable at {}: events are being dropped until it is back (heraldd keeps working)", url_);
  link_ = Link::down;
  dropped_before_outage_ = dropped_total;
}

}  // namespace herald::bus
