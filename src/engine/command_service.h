#pragma once
// Data flow 1 (ARCHITECTURE.md): validated commands -> orders -> one durable append -> ids.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/order.h"
#include "core/result.h"
#include "engine/blocking_pool.h"
#include "engine/order_listener.h"
#include "store/store.h"

namespace herald::engine {

struct SubmittedRequest {
  std::int64_t request_id = 0;
  std::vector<std::string> document_ids;  // one per order, in order_id order
};

class CommandService {
 public:
  CommandService(store::Store& store, const core::Clock& clock, OrderListener& listener)
      : store_(store), clock_(clock), listener_(listener) {}

  // Expands and stores the commands as one request, all or nothing. Returns once the orders are
  // durable; the listener hears of them before this returns. ErrorKind::invalid_argument with
  // core::kCannotGenerateOrders when no command matched an agent or group; unavailable/internal
  // when the store failed (nothing was stored). Blocking; safe for concurrent use.
  core::Result<SubmittedRequest> submit(const std::vector<core::Command>& commands);

  // submit() for coroutines. The expansion reads the store on `reads` (blocking reads); the
  // append is asynchronous (no thread waits for its commit) and the coroutine resumes on its own
  // executor once the orders are durable, where the listener hears of them. `commands` is
  // borrowed until this completes. Safe for concurrent use.
  boost::asio::awaitable<core::Result<SubmittedRequest>> submit_async(const std::vector<core::Command>& commands,
                                                                      BlockingPool& reads);

 private:
  // The reply and the listener, once `orders` are durable as request `request_id`.
  SubmittedRequest stored(const std::vector<core::Order>& orders, std::int64_t request_id);

  store::Store& store_;
  const core::Clock& clock_;
  OrderListener& listener_;
};

}  // namespace herald::engine
