#include "engine/result_batcher.h"

#include <iterator>
#include <utility>

#include "engine/store_completion.h"

namespace herald::engine {

namespace {

using Outcomes = ResultBatcher::Outcomes;

// Each request's slice of the merged outcomes, or the call's error for all of them.
template <class Requests>
void complete_all(Requests& requests, const core::Result<Outcomes>& outcomes, std::size_t merged_size) {
  if (outcomes && outcomes->size() != merged_size) {
    const auto wrong = core::internal_error("the store returned " + std::to_string(outcomes->size()) +
                                            " outcomes for " + std::to_string(merged_size) + " reports");
    for (auto& request : requests) request.done(wrong);
    return;
  }
  std::size_t offset = 0;
  for (auto& request : requests) {
    if (!outcomes) {
      request.done(outcomes.error());
      continue;
    }
    const auto first = outcomes->begin() + static_cast<std::ptrdiff_t>(offset);
    offset += request.reports->size();
    request.done(Outcomes(first, outcomes->begin() + static_cast<std::ptrdiff_t>(offset)));
  }
}

}  // namespace

ResultBatcher::ResultBatcher(store::OrderStore& store, const core::Clock& clock) : store_(store), clock_(clock) {}

ResultBatcher::~ResultBatcher() {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  idle_.wait(lock, [this] { return !in_flight_; });
}

void ResultBatcher::submit(std::vector<store::ResultReport>& reports, Done done) {
  if (reports.empty()) {
    done(Outcomes{});
    return;
  }
  std::shared_ptr<Call> call;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      done(core::unavailable("heraldd is stopping"));
      return;
    }
    queue_.push_back(Request{&reports, std::move(done)});
    if (in_flight_) return;  // its completion takes this request along
    in_flight_ = true;
    call = take_call();
  }
  start(std::move(call));
}

boost::asio::awaitable<core::Result<Outcomes>> ResultBatcher::apply(std::vector<store::ResultReport>& reports) {
  return store_call<Outcomes>([this, &reports](Done done) { submit(reports, std::move(done)); });
}

std::size_t ResultBatcher::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

std::shared_ptr<ResultBatcher::Call> ResultBatcher::take_call() {
  auto call = std::make_shared<Call>();
  std::size_t reports = 0;
  while (!queue_.empty()) {
    auto& next = queue_.front();
    if (!call->requests.empty() &&
        (next.alone || call->requests.front().alone || reports + next.reports->size() > kMaxReportsPerCall)) {
      break;
    }
    reports += next.reports->size();
    call->requests.push_back(std::move(next));
    queue_.pop_front();
  }
  return call;
}

void ResultBatcher::start(std::shared_ptr<Call> call) {
  // The callers are suspended until their completion: their reports can move into the call.
  std::size_t total = 0;
  for (const auto& request : call->requests) total += request.reports->size();
  call->merged.reserve(total);
  for (auto& request : call->requests) {
    std::move(request.reports->begin(), request.reports->end(), std::back_inserter(call->merged));
  }
  ++store_calls_;
  // A store that is closed completes at once, on this thread: finished() then starts the next
  // call from here, one level deeper per call (each takes up to kMaxReportsPerCall reports).
  auto& merged = call->merged;
  store_.apply_results_async(
      merged, clock_.now_seconds(),
      [this, call = std::move(call)](core::Result<Outcomes> outcomes) { finished(call, std::move(outcomes)); });
}

void ResultBatcher::finished(const std::shared_ptr<Call>& call, core::Result<Outcomes> outcomes) {
  std::size_t offset = 0;
  for (auto& request : call->requests) {
    for (auto& report : *request.reports) report = std::move(call->merged[offset++]);
  }
  const bool retry_alone =
      !outcomes && call->requests.size() > 1 && outcomes.error().kind != core::ErrorKind::unavailable;
  std::shared_ptr<Call> next;
  {
    std::lock_guard lock(mutex_);
    if (retry_alone) {
      // At the front, in their order: they arrived before anything still queued.
      for (auto request = call->requests.rbegin(); request != call->requests.rend(); ++request) {
        request->alone = true;
        queue_.push_front(std::move(*request));
      }
    }
    if (!queue_.empty()) {
      next = take_call();
    } else {
      in_flight_ = false;
      idle_.notify_all();  // under the lock: the destructor may end this object once it is released
    }
  }
  // From here on `this` may be gone unless `next` is set (in_flight_ is still true for it).
  if (!retry_alone) complete_all(call->requests, outcomes, offset);
  if (next) start(std::move(next));
}

}  // namespace herald::engine
