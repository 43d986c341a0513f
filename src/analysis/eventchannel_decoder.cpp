#include "analysis/eventchannel_decoder.h"

#include <utility>

#include "analysis/decoder_json_text.h"
#include "analysis/event.h"
#include "analysis/json_decoder.h"
#include "analysis/winevt_xml.h"

namespace herald::analysis {

EventChannelOutcome decode_eventchannel(Event& event, JsonDocument& scratch) {
  auto converted = eventchannel_to_json(event.log(), scratch);
  if (!converted) return EventChannelOutcome::dropped;
  event.full_log = std::move(converted->json);
  event.set_log(0, event.full_log.size());
  event.program_name.reset();  // analysisd clears it: rules' <program_name> never match these
  event.decoder_name.assign(kEventChannelDecoderName);
  event.parent_decoder_name.clear();
  // The windows_eventchannel decoder carries the JSON decoder's default options.
  decode_json(event.log(), JsonDecodeOptions{}, event, scratch);
  return converted->xml_error ? EventChannelOutcome::decoded_without_xml : EventChannelOutcome::decoded;
}

}  // namespace herald::analysis
