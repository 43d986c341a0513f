// A 4.x agent's Windows event channel message (queue 'f') on arbitrary bytes: the first byte
// picks whether the rest is the whole message (0) or the event XML wrapped as logcollector wraps
// it, {"Message":"m","Event":"<rest>"} (1), then the conversion to Wazuh's {"win":...} JSON and
// its decoding into one reused Event.
// Invariants: no crash, hang or escaping exception; a message that is not JSON is refused; a
// converted event is JSON with a "win" object root, its full_log and log() that JSON, its
// decoder windows_eventchannel and every field under "win.".
#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/decoder_json_text.h"
#include "analysis/event.h"
#include "analysis/eventchannel_decoder.h"
#include "analysis/winevt_xml.h"
#include "fuzz_check.h"

namespace {

using namespace herald::analysis;

std::string wrapped(std::string_view xml) {
  std::string message = "{\"Message\":\"m\",\"Event\":";
  append_cjson_string(xml, message);
  message.push_back('}');
  return message;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static Event event;  // reused, as a worker reuses its Event
  static JsonDocument scratch;
  const auto rest = herald::fuzz::as_text(data + 1, size - 1);
  const std::string message = data[0] % 2 == 0 ? std::string(rest) : wrapped(rest);

  const auto converted = FUZZ_NO_THROW("eventchannel_to_json", eventchannel_to_json(message, scratch));
  JsonDocument check;
  if (!check.parse(message)) FUZZ_CHECK(!converted.ok(), "a message that is not JSON is refused");
  if (data[0] % 2 == 1) FUZZ_CHECK(converted.ok(), "a wrapped event is always converted");
  if (!converted.ok()) {
    FUZZ_CHECK(!converted.error().message.empty(), "errors say what is wrong");
    return 0;
  }
  FUZZ_CHECK(converted->json.starts_with("{\"win\":{\"system\":{") && converted->json.ends_with("}}"), "the win shape");
  FUZZ_CHECK(check.parse(converted->json), "the result is JSON");

  event.reset();
  event.queue = kEventChannelQueue;
  event.full_log = message;
  event.set_log(0, event.full_log.size());
  const auto outcome = FUZZ_NO_THROW("decode_eventchannel", decode_eventchannel(event, scratch));
  FUZZ_CHECK(outcome != EventChannelOutcome::dropped, "what converts is not dropped");
  FUZZ_CHECK(event.full_log == converted->json && event.log() == event.full_log, "full_log and log are the JSON");
  FUZZ_CHECK(event.decoder_name == kEventChannelDecoderName, "decoded as windows_eventchannel");
  for (const auto& field : event.dynamic_fields()) FUZZ_CHECK(field.name.starts_with("win."), "fields under win.");
  return 0;
}
