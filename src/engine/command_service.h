#pragma once
// Data flow 1 (ARCHITECTURE.md): validated commands -> orders -> one durable append -> ids.
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/order.h"
#include "core/result.h"
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
  // durable. ErrorKind::invalid_argument with core::kCannotGenerateOrders when no command matched
  // an agent or group; unavailable/internal when the store failed (nothing was stored).
  // Blocking; safe for concurrent use.
  core::Result<SubmittedRequest> submit(const std::vector<core::Command>& commands);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  OrderListener& listener_;
};

}  // namespace herald::engine
