#pragma once
// fetch-config / set-group orders of 4.x agents wait for proof: a keep-alive whose merged.mg sum
// is the pushed one (the agent wrote and checked the file). Kept per agent across its
// reconnections (the agent restarts after a new configuration when auto_restart is on). Not
// persisted: after a heraldd restart such an order fails at its deadline. Safe for concurrent use.
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/order.h"
#include "store/store.h"

namespace herald::legacy {

class PushConfirmations {
 public:
  // `keepalives`: how many keep-alives reporting another sum the agent gets before the order fails.
  explicit PushConfirmations(int keepalives) : keepalives_(keepalives) {}

  void expect(const std::string& agent_id, const core::OrderKey& order, std::string merged_sum);
  // The results that a keep-alive reporting `merged_sum` settles (success for orders whose sum it
  // is; failure for those that ran out of keep-alives).
  std::vector<store::ResultReport> keepalive(const std::string& agent_id, const std::optional<std::string>& merged_sum);
  // Whether a push to this agent still waits for its confirmation (no second push meanwhile).
  bool waiting(const std::string& agent_id) const;

 private:
  struct Expected {
    core::OrderKey order;
    std::string sum;
    int keepalives_left = 0;
  };
  int keepalives_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::vector<Expected>> by_agent_;
};

}  // namespace herald::legacy
