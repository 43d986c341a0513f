#pragma once
// What one alert integration (integration_sender.h) is told: an entry of heraldd.yml's
// `alerts.integrations`, the counterpart of ossec.conf's <integration>.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::engine {

struct IntegrationOptions {
  std::string name;      // slack | pagerduty | webhook
  std::string url;       // slack/webhook: hook_url; pagerduty: the Events API v2 URL. Never logged.
  std::string api_key;   // pagerduty routing key. Never logged.
  int level = 0;         // minimum alert level (0: any)
  std::vector<std::uint32_t> rules_id;  // empty: any rule
  std::vector<std::string> groups;      // empty: any group; else one of the alert's groups
  std::string json_template;            // webhook: JSON with $(field.path) placeholders
  std::string buffer_dir;               // default: <alerts_dir>/integrations/<index>-<name>
  std::uint64_t buffer_max_bytes = 64ull << 20;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{30'000};
};

inline constexpr const char* kPagerDutyDefaultUrl = "https://events.pagerduty.com/v2/enqueue";

}  // namespace herald::engine
