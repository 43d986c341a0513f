#include "legacy/push_confirmations.h"

namespace herald::legacy {

void PushConfirmations::expect(const std::string& agent_id, const core::OrderKey& order, std::string merged_sum) {
  std::lock_guard lock(mutex_);
  by_agent_[agent_id].push_back({order, std::move(merged_sum), keepalives_});
}

bool PushConfirmations::waiting(const std::string& agent_id) const {
  std::lock_guard lock(mutex_);
  return by_agent_.contains(agent_id);
}

std::vector<store::ResultReport> PushConfirmations::keepalive(const std::string& agent_id,
                                                              const std::optional<std::string>& merged_sum) {
  std::vector<store::ResultReport> reports;
  std::lock_guard lock(mutex_);
  auto found = by_agent_.find(agent_id);
  if (found == by_agent_.end()) return reports;
  auto& expected = found->second;
  for (auto it = expected.begin(); it != expected.end();) {
    store::ResultReport report;
    report.key = it->order;
    report.reporter_agent_id = agent_id;
    if (merged_sum && *merged_sum == it->sum) {
      report.result = {0, "Shared configuration applied: the agent reports merged.mg " + it->sum, std::nullopt};
    } else if (--it->keepalives_left <= 0) {
      report.result = {1,
                       "The agent did not take the shared configuration: it reports merged.mg " +
                           merged_sum.value_or("(none)") + ", pushed " + it->sum,
                       std::nullopt};
    } else {
      ++it;
      continue;
    }
    reports.push_back(std::move(report));
    it = expected.erase(it);
  }
  if (expected.empty()) by_agent_.erase(found);
  return reports;
}

}  // namespace herald::legacy
