#pragma once
// Data flow 3: results reported by agents (stateful `command` events) and by server modules,
// applied to their orders. The one place that decides what a result does to an order is
// store::OrderStore::apply_results with core::status_for_result_code.
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

class ResultService {
 public:
  ResultService(store::OrderStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // Applies the reports in one transaction; one outcome per report. Blocking; thread-safe.
  core::Result<std::vector<store::ResultOutcome>> apply(const std::vector<store::ResultReport>& reports) {
    return store_.apply_results(reports, clock_.now_seconds());
  }

 private:
  store::OrderStore& store_;
  const core::Clock& clock_;
};

}  // namespace herald::engine
