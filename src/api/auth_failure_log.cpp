#include "api/auth_failure_log.h"

#include <spdlog/spdlog.h>

#include <string>

namespace herald::api {

namespace {

constexpr std::size_t kLoggedNameLength = 128;

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kLoggedNameLength)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (text.size() > kLoggedNameLength) out += "...";
  return out;
}

}  // namespace

void log_failed_authentication(std::string_view what, std::string_view who, std::string_view source,
                               const auth::FailureRateLimiter::Failure& failure,
                               const auth::FailureRateLimitPolicy& policy) {
  spdlog::warn("failed {} for '{}' from {} ({} of {} allowed in {} s)", what, printable(who), source,
               failure.failures_in_window, policy.max_failures, policy.window.count());
  if (failure.locked_out_now) {
    spdlog::warn("{} from {} locked out for {} s after {} failures", what, source, policy.lockout.count(),
                 policy.max_failures);
  }
}

}  // namespace herald::api
