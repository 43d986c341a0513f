// POST /api/v1/events/stateful bodies (NDJSON) -> core::parse_stateful_events, then what the
// handler does with a parsed batch: core::command_result for `command` events and the event
// sink (engine::FileEventSink::write_stateful) for the others.
// Invariants: no exception escapes; errors carry a message; a batch follows the documented rules
// (modules, operations, collectors, data present unless delete, a routing index, command events
// have an id); written back as NDJSON it parses to the same batch; the sink writes one valid JSON
// line per event.
#include <array>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>

#include "core/stateful_events.h"
#include "event_sink_check.h"

namespace {

namespace json = boost::json;
using herald::core::StatefulBatch;
using herald::core::StatefulEvent;

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, std::string_view value) {
  for (auto candidate : allowed) {
    if (candidate == value) return true;
  }
  return false;
}

std::string write_back(const StatefulBatch& batch) {
  std::string body = "{\"agent\":" + batch.agent.raw_json + "}\n";
  for (const auto& event : batch.events) {
    json::object header{{"module", event.module}, {"operation", event.operation}};
    if (event.id) header["id"] = *event.id;
    if (event.collector) header["collector"] = *event.collector;
    body += json::serialize(header) + "\n";
    if (event.data_json) body += *event.data_json + "\n";
  }
  return body;
}

bool same_event(const StatefulEvent& a, const StatefulEvent& b) {
  return a.id == b.id && a.module == b.module && a.collector == b.collector && a.operation == b.operation &&
         a.data_json == b.data_json && a.index == b.index;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = herald::fuzz::as_text(data, size);
  auto parsed = FUZZ_NO_THROW("parse_stateful_events", herald::core::parse_stateful_events(body));
  if (const auto* error = std::get_if<herald::core::StatefulEventsError>(&parsed)) {
    FUZZ_CHECK(!error->message.empty(), "an error has a message");
    return 0;
  }
  const auto& batch = std::get<StatefulBatch>(parsed);
  FUZZ_CHECK(!batch.agent.id.empty(), "the agent has an id");
  FUZZ_CHECK(!batch.events.empty(), "a batch has events");
  for (const auto& event : batch.events) {
    FUZZ_CHECK(
        one_of(std::array<std::string_view, 5>{"fim", "inventory", "sca", "vulnerability", "command"}, event.module),
        "a known module");
    FUZZ_CHECK(one_of(std::array<std::string_view, 3>{"create", "update", "delete"}, event.operation),
               "a known operation");
    FUZZ_CHECK(event.data_json.has_value() == (event.operation != "delete"), "data unless delete");
    FUZZ_CHECK(!event.index.empty(), "an index to route to");
    if (event.module == "inventory") FUZZ_CHECK(event.collector.has_value(), "inventory names its collector");
    if (event.module == "command") {
      FUZZ_CHECK(event.id && !event.id->empty(), "a command result names its order");
      (void)FUZZ_NO_THROW("command_result", herald::core::command_result(event));
    }
    if (event.data_json) {
      json::parse_options options;
      options.max_depth = 64;
      boost::system::error_code ec;
      const auto value = json::parse(*event.data_json, ec, {}, options);
      FUZZ_CHECK(!ec && value.is_object(), "the data line is a JSON object");
    }
  }

  const auto again =
      FUZZ_NO_THROW("parse_stateful_events (re-parse)", herald::core::parse_stateful_events(write_back(batch)));
  const auto* reparsed = std::get_if<StatefulBatch>(&again);
  FUZZ_CHECK(reparsed != nullptr, "the batch written back parses");
  FUZZ_CHECK(reparsed->agent.raw_json == batch.agent.raw_json && reparsed->agent.groups == batch.agent.groups,
             "the agent survives a round trip");
  FUZZ_CHECK(reparsed->events.size() == batch.events.size(), "as many events after a round trip");
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    FUZZ_CHECK(same_event(batch.events[i], reparsed->events[i]), "an event survives a round trip");
  }

  const auto lines = herald::fuzz::sink_lines("stateful", [&](herald::engine::FileEventSink& sink) {
    return FUZZ_NO_THROW("write_stateful", sink.write_stateful(batch));
  });
  FUZZ_CHECK(lines.size() == batch.events.size(), "one sink line per event");
  return 0;
}
