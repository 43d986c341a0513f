// POST /api/v1/events/stateless bodies, as the handler (api/comms_events.cpp) treats them: the
// agent metadata of the first line (core::parse_agent_metadata_line), then the whole body through
// the event sink (engine::FileEventSink::write_stateless).
// Invariants: no exception escapes; metadata that parses has an id and a host object, and its
// raw JSON parses back to the same metadata; the sink writes one valid JSON line per non-blank
// body line, each keeping the line (as JSON when it is JSON).
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>

#include "core/stateful_events.h"
#include "event_sink_check.h"

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::size_t non_blank_lines(std::string_view body) {
  std::size_t count = 0;
  while (true) {
    const auto end = body.find('\n');
    const auto line = body.substr(0, end);
    for (char c : line) {
      if (!is_blank(c)) {
        ++count;
        break;
      }
    }
    if (end == std::string_view::npos) return count;
    body.remove_prefix(end + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = herald::fuzz::as_text(data, size);
  // The handler answers 400 to a blank body before anything else.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return 0;

  auto metadata = FUZZ_NO_THROW("parse_agent_metadata_line", herald::core::parse_agent_metadata_line(body));
  if (metadata) {
    FUZZ_CHECK(!metadata->id.empty(), "metadata has an agent id");
    boost::system::error_code ec;
    const auto host = boost::json::parse(metadata->host_json, ec);
    FUZZ_CHECK(!ec && host.is_object(), "host_json is an object");
    const auto again = herald::core::parse_agent_metadata_line("{\"agent\":" + metadata->raw_json + "}");
    FUZZ_CHECK(again && again->id == metadata->id && again->groups == metadata->groups && again->ips == metadata->ips &&
                   again->host_json == metadata->host_json,
               "the agent's raw JSON parses back to the same metadata");
  }

  const auto lines = herald::fuzz::sink_lines("stateless", [&](herald::engine::FileEventSink& sink) {
    return FUZZ_NO_THROW("write_stateless", sink.write_stateless("d5b250c4-dfa1-4d94-827f-9f99210dbe6c", body));
  });
  FUZZ_CHECK(lines.size() == non_blank_lines(body), "one sink line per non-blank body line");
  for (const auto& line : lines) {
    FUZZ_CHECK(line.contains("event") && line.contains("agent_id") && line.contains("received_at"),
               "a stateless line has event, agent_id and received_at");
  }
  return 0;
}
