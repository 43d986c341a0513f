#pragma once
// Data flow 3: results reported by agents (stateful `command` events) and by server modules,
// applied to their orders. The one place that decides what a result does to an order is
// store::OrderStore::apply_results with core::status_for_result_code.
#include <boost/asio/awaitable.hpp>

#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "engine/order_listener.h"
#include "engine/result_batcher.h"
#include "store/store.h"

namespace herald::engine {

class ResultService {
 public:
  // `batcher` (optional, borrowed) merges the reports of concurrent apply_async calls into one
  // store call; without it each call is a store call of its own.
  ResultService(store::OrderStore& store, const core::Clock& clock, OrderListener* listener = nullptr,
                ResultBatcher* batcher = nullptr)
      : store_(store), clock_(clock), listener_(listener), batcher_(batcher) {}

  // Applies the reports in one transaction; one outcome per report. Blocking; thread-safe.
  // The listener hears of the reports that changed their order.
  core::Result<std::vector<store::ResultOutcome>> apply(const std::vector<store::ResultReport>& reports);

  // apply() for coroutines, without blocking a thread: the reports are stored asynchronously
  // (through the batcher, when there is one, together with other callers' reports) and the
  // coroutine resumes on its own executor once they are durable; the listener hears of the
  // applied ones there, before this returns. `reports` is borrowed until then (the batcher
  // moves the reports out and back: they are as given when this returns). Thread-safe.
  boost::asio::awaitable<core::Result<std::vector<store::ResultOutcome>>> apply_async(
      std::vector<store::ResultReport>& reports);

 private:
  void notify(const std::vector<store::ResultReport>& reports,
              const core::Result<std::vector<store::ResultOutcome>>& outcomes);

  store::OrderStore& store_;
  const core::Clock& clock_;
  OrderListener* listener_;
  ResultBatcher* batcher_;
};

}  // namespace herald::engine
