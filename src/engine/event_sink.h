#pragma once
// Where agent events go once validated (wire-protocol c4/c5). The API answers 2xx only after a
// write succeeded, so the agent drops its batch only once the events are with the sink.
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/stateful_events.h"

namespace herald::engine {

// Implementations are safe for concurrent use. A write returns only once the events are handed
// over durably enough for the sink (the file sink: written to the OS, no fsync). An error means
// nothing may be assumed delivered: the API answers 5xx so the agent keeps and retries its batch
// (at-least-once, so a sink may see the same events twice).
class EventSink {
 public:
  EventSink() = default;
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;
  virtual ~EventSink() = default;

  // One stateful batch: metadata + events, as validated by core::parse_stateful_events.
  virtual core::Status write_stateful(const core::StatefulBatch& batch) = 0;
  // A stateless body, as received (NDJSON), from the agent `agent_id`.
  virtual core::Status write_stateless(const std::string& agent_id, std::string_view body) = 0;
};

}  // namespace herald::engine
