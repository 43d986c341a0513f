#include "engine/result_service.h"

#include "engine/store_completion.h"

namespace herald::engine {

core::Result<std::vector<store::ResultOutcome>> ResultService::apply(const std::vector<store::ResultReport>& reports) {
  auto outcomes = store_.apply_results(reports, clock_.now_seconds());
  notify(reports, outcomes);
  return outcomes;
}

boost::asio::awaitable<core::Result<std::vector<store::ResultOutcome>>> ResultService::apply_async(
    std::vector<store::ResultReport>& reports) {
  using Outcomes = std::vector<store::ResultOutcome>;
  core::Result<Outcomes> outcomes;
  if (batcher_ != nullptr) {
    outcomes = co_await batcher_->apply(reports);
  } else {
    outcomes = co_await store_call<Outcomes>([&](store::StoreCompletion<Outcomes> done) {
      store_.apply_results_async(reports, clock_.now_seconds(), std::move(done));
    });
  }
  notify(reports, outcomes);
  co_return outcomes;
}

void ResultService::notify(const std::vector<store::ResultReport>& reports,
                           const core::Result<std::vector<store::ResultOutcome>>& outcomes) {
  if (!outcomes || listener_ == nullptr) return;
  std::vector<store::ResultReport> applied;
  for (std::size_t i = 0; i < reports.size() && i < outcomes->size(); ++i) {
    if (outcomes.value()[i] == store::ResultOutcome::applied) applied.push_back(reports[i]);
  }
  if (!applied.empty()) listener_->results_applied(applied);
}

}  // namespace herald::engine
