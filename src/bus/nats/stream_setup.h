#pragma once
// Makes sure the JetStream stream for durable events exists as configured. Run on the first
// connect and after every reconnect: the server may have come back with an empty store.
#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace herald::bus {

struct StreamSpec {
  std::string name;
  std::vector<std::string> subjects;  // full subjects, with the prefix
  std::chrono::seconds max_age{0};
  std::chrono::seconds duplicate_window{0};
  std::int64_t max_bytes = -1;  // -1: no limit
};

enum class StreamSetup { created, updated, unchanged };

// Creates the stream (file storage, limits retention) if missing; updates it when its subjects,
// max age, duplicate window or max bytes differ from `spec`. Blocks for at most a few JetStream API
// round trips (the context's request timeout each). Error: the server's reason.
core::Result<StreamSetup> ensure_stream(jsCtx* jetstream, const StreamSpec& spec);

}  // namespace herald::bus
