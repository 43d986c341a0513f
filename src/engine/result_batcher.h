#pragma once
// Result reports from many requests at once, merged into one store call: the results of a group
// command come back from thousands of agents together, and one apply_results over all of them
// costs about what one request's does (one job, one savepoint, one lock pass), where a job per
// request costs a savepoint each and, on PostgreSQL, a transaction per 64 of them. Like
// ClaimBatcher, but nobody waits on a thread: while a call is in flight, new reports queue up;
// when it completes (on the store's writer thread) the queued ones go together in the next call.
//
//   ResultBatcher batcher(store, clock);
//   auto outcomes = co_await batcher.apply(reports);  // this caller's outcomes, in its order
//
// Merged reports are applied one after the other in the order the requests arrived, so each
// caller gets the outcomes it would have had if the requests had been sent one by one in that
// order: the same document reported by two callers is `applied` for the first and `unchanged`
// (or `already_final`) for the second, as with two calls in sequence.
//
// Errors: an error of the merged call reaches every caller in it. Only `unavailable` (the store
// is down, closed, or the disk is full) is taken as it comes; any other error may have been
// caused by one request's reports, so each request of that call is then tried again alone and
// gets its own outcome (one request the database refuses does not fail the others).
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

class ResultBatcher {
 public:
  // Reports handed to the store in one call, at most (a larger request goes alone).
  static constexpr std::size_t kMaxReportsPerCall = 10'000;
  using Outcomes = std::vector<store::ResultOutcome>;
  using Done = store::StoreCompletion<Outcomes>;

  ResultBatcher(store::OrderStore& store, const core::Clock& clock);
  // Waits until every request accepted so far has completed (the store completes its calls, also
  // when it is closed meanwhile); no new request is accepted once it started.
  ~ResultBatcher();
  ResultBatcher(const ResultBatcher&) = delete;
  ResultBatcher& operator=(const ResultBatcher&) = delete;

  // Queues `reports` for the next store call and returns at once. `done` gets one outcome per
  // report, in the order of `reports`, or the call's error; it is called exactly once, on the
  // store's writer thread, with no lock of this batcher held (or at once on the calling thread
  // for an empty request, a store that is closed, or a batcher being destroyed). It must be
  // quick (store::StoreCompletion). `reports` is borrowed until then: the batcher moves the
  // reports into the merged call and back before `done` runs, so the caller finds them as it
  // left them. Safe for concurrent use.
  void submit(std::vector<store::ResultReport>& reports, Done done);
  // submit(), awaited: resumes on the awaiting coroutine's own executor (store_completion.h).
  boost::asio::awaitable<core::Result<Outcomes>> apply(std::vector<store::ResultReport>& reports);

  // Requests waiting for the next call (not those of the call in flight).
  std::size_t queued() const;
  // Store calls made so far.
  std::uint64_t store_calls() const { return store_calls_.load(); }

 private:
  struct Request {
    std::vector<store::ResultReport>* reports;
    Done done;
    bool alone = false;  // goes in a call of its own (retried after a merged call failed)
  };
  struct Call {
    std::vector<Request> requests;
    std::vector<store::ResultReport> merged;
  };
  // REQUIRES: mutex_ held, queue_ not empty. The requests of the next call, off the queue.
  std::shared_ptr<Call> take_call();
  // Starts `call` in the store. REQUIRES: in_flight_ set for it.
  void start(std::shared_ptr<Call> call);
  // The store's completion of `call`: gives the reports back, starts the next call (or clears
  // in_flight_), then completes the callers.
  void finished(const std::shared_ptr<Call>& call, core::Result<Outcomes> outcomes);

  store::OrderStore& store_;
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<Request> queue_;
  bool in_flight_ = false;  // a call is in the store; its completion starts the next one
  bool stopping_ = false;
  std::atomic<std::uint64_t> store_calls_{0};
};

}  // namespace herald::engine
