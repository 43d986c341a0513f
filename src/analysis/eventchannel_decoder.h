#pragma once
// What Wazuh 4.x analysisd does with a Windows event channel event (queue 'f') instead of its
// decoder tree: the message becomes the {"win":...} JSON of winevt_xml.h, which is the event's
// full_log and log from then on, its fields are decoded by the JSON decoder (win.system.eventID,
// win.eventdata.targetUserName, ...), and the event is decoded by the internal decoder
// windows_eventchannel, of type ossec, no program name. Rules select it with
// <decoded_as>windows_eventchannel</decoded_as> (and <category>ossec</category>).
#include <string_view>

namespace herald::analysis {

class Event;
class JsonDocument;

inline constexpr char kEventChannelQueue = 'f';  // Wazuh's WIN_EVT_MQ
inline constexpr std::string_view kEventChannelDecoderName = "windows_eventchannel";

enum class EventChannelOutcome {
  decoded,
  // The event's XML could not be read: decoded all the same from what the message gives (its
  // "Message" text), as Wazuh goes on with such an event.
  decoded_without_xml,
  // Not JSON, or no "Event" member: analysisd drops the event; the event is left as it was.
  dropped,
};

// Decodes a pre-decoded queue 'f' event in place. `scratch` is a reusable parse buffer.
EventChannelOutcome decode_eventchannel(Event& event, JsonDocument& scratch);

}  // namespace herald::analysis
