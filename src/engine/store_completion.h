#pragma once
// Awaiting an asynchronous store call (store::OrderStore::*_async, or anything else that takes a
// store::StoreCompletion) from a coroutine, without parking a thread on it:
//
//   auto request_id = co_await engine::store_call<std::int64_t>(
//       [&](auto done) { store.append_orders_async(orders, std::move(done)); });
//
// `start` is called at once with the completion to hand to the store. The store calls it on its
// own thread (the writer's); the coroutine resumes on ITS OWN executor (the associated executor
// of the awaiting coroutine: the io_context of the core it runs on, or its strand), never on the
// store's thread, so whatever it touches next is touched from its own thread. Until then the
// executor counts outstanding work, so its io_context::run() does not return while a store call
// is pending. An exception thrown by `start` before the store took the completion is rethrown in
// the coroutine. A completion the store drops without calling it resumes the coroutine with an
// exception rather than leaving it suspended forever.
//
// Whatever `start` lends the store (usually the coroutine's locals, captured by reference) lives
// in the suspended coroutine's frame, which stays alive until the completion has been posted
// back: the borrow outlives the store call.
#include <atomic>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "core/result.h"
#include "store/store.h"

namespace herald::engine {

namespace detail {

// The awaiting coroutine's handler, shared by the completion handed to the store (a
// std::function, hence copyable) and the initiation; whichever finishes first resumes it.
template <class R, class Handler>
class StoreCallState {
 public:
  explicit StoreCallState(Handler handler)
      : executor_(boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                      boost::asio::execution::outstanding_work.tracked)),
        handler_(std::move(handler)) {}
  ~StoreCallState() {
    if (!resumed_.load(std::memory_order_relaxed)) {
      resume(std::make_exception_ptr(std::logic_error("the store dropped a call without completing it")), R{});
    }
  }
  StoreCallState(const StoreCallState&) = delete;
  StoreCallState& operator=(const StoreCallState&) = delete;

  // Posts the coroutine's resumption to its executor; only the first call does anything.
  void complete(std::exception_ptr error, R result) {
    if (resumed_.exchange(true, std::memory_order_acq_rel)) return;
    resume(std::move(error), std::move(result));
  }

 private:
  // Leaves nothing in this object that refers to the executor's context: the store may destroy
  // its copy of the completion (and so this) after the context is gone.
  void resume(std::exception_ptr error, R result) {
    auto executor = std::move(*executor_);
    executor_.reset();
    boost::asio::post(executor,
                      [handler = std::move(*handler_), error = std::move(error), result = std::move(result)]() mutable {
                        std::move(handler)(error, std::move(result));
                      });
    handler_.reset();
  }

  using Executor = std::decay_t<decltype(boost::asio::prefer(
      std::declval<boost::asio::associated_executor_t<Handler>>(), boost::asio::execution::outstanding_work.tracked))>;
  std::optional<Executor> executor_;  // tracked: the context keeps running while the call is pending
  std::optional<Handler> handler_;
  std::atomic<bool> resumed_{false};
};

}  // namespace detail

// Starts a store call with `start(store::StoreCompletion<T>)` and resumes the awaiting coroutine
// on its own executor with the call's result (see the top of this file).
template <class T, class Start>
boost::asio::awaitable<core::Result<T>> store_call(Start start) {
  using R = core::Result<T>;
  auto initiation = [](auto handler, Start begin) {
    using State = detail::StoreCallState<R, decltype(handler)>;
    auto state = std::make_shared<State>(std::move(handler));
    try {
      begin(store::StoreCompletion<T>([state](R result) { state->complete(nullptr, std::move(result)); }));
    } catch (...) {
      state->complete(std::current_exception(), R{});
    }
  };
  // A plain completion handler, not a child coroutine: no frame of its own per call.
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
      initiation, boost::asio::use_awaitable, std::move(start));
}

}  // namespace herald::engine
