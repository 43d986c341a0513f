#pragma once
// Data flow 3: results reported by agents (stateful `command` events) and by server modules,
// applied to their orders. The one place that decides what a result does to an order is
// store::OrderStore::apply_results with core::status_for_result_code.
#include <vector>

#include "core/clock.h"
#include "engine/order_listener.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

class ResultService {
 public:
  ResultService(store::OrderStore& store, const core::Clock& clock, OrderListener* listener = nullptr)
      : store_(store), clock_(clock), listener_(listener) {}

  // Applies the reports in one transaction; one outcome per report. Blocking; thread-safe.
  // The listener hears of the reports that changed their order.
  core::Result<std::vector<store::ResultOutcome>> apply(const std::vector<store::ResultReport>& reports) {
    auto outcomes = store_.apply_results(reports, clock_.now_seconds());
    if (outcomes && listener_ != nullptr) {
      std::vector<store::ResultReport> applied;
      for (std::size_t i = 0; i < reports.size() && i < outcomes->size(); ++i) {
        if ((*outcomes)[i] == store::ResultOutcome::applied) applied.push_back(reports[i]);
      }
      if (!applied.empty()) listener_->results_applied(applied);
    }
    return outcomes;
  }

 private:
  store::OrderStore& store_;
  const core::Clock& clock_;
  OrderListener* listener_;
};

}  // namespace herald::engine
