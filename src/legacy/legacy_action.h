#pragma once
// What an order means to a Wazuh 4.x agent (issue 10 §4): the Command Manager's actions mapped
// onto the pushes the 4.x channel has, and how each one's result becomes known.
#include <optional>
#include <string>
#include <vector>

#include "core/order.h"

namespace herald::legacy {

struct LegacyAction {
  enum class Kind {
    restart,          // the restart active response; success when the agent starts up again
    push_config,      // merged.mg push; success when a keep-alive reports its sum
    active_response,  // "#!-execd {json}"; execd reports nothing: success once written
    unsupported,      // failure at once, with `failure`
  } kind = Kind::unsupported;
  std::optional<std::vector<std::string>> groups;  // push_config from set-group: the new groups
  std::string command;                             // active_response
  std::vector<std::string> extra_args;             // active_response
  std::string alert_json = "{}";                   // active_response
  std::string failure;                             // unsupported
};

LegacyAction legacy_action(const core::Order& order);

}  // namespace herald::legacy
