#pragma once
// A 4.x agent's Windows event channel message turned into the JSON Wazuh 4.x analysisd builds
// of it (DecodeWinevt, winevtchannel.c), which its windows_eventchannel decoder then decodes.
//
// The message (queue 'f', location "EventChannel") is what logcollector sends: a JSON object
// {"Message":"<the event's formatted message>","Event":"<the event's XML, as EvtRender gives it>"}
// ("Message" is absent when Windows has no text for the event). The result has the shape
//   {"win":{"system":{...},"eventdata":{...},"<other>":{...}}}
// built by analysisd's rules, kept here because Wazuh's rules depend on them:
//  * "Event" and "Message" are found ignoring case (cJSON_GetObjectItem). The XML read is the
//    member as cJSON prints it: quoted and JSON-escaped, so every `\` of the event reads as `\\`
//    and every `"` as `\"` (Wazuh's alerts show C:\\Windows, and its rules match that), and an
//    attribute written with `"` quotes does not parse. It is read as Wazuh's os_xml reads it
//    (ruleset_xml.h): no entity decoding, so `&amp;` stays. Only the first element counts.
//  * <System>: Provider's Name/Guid/EventSourceName attributes give providerName/providerGuid/
//    eventSourceName, TimeCreated's first attribute SystemTime gives systemTime, Execution's
//    ProcessID/ThreadID give processID/threadID, Correlation is skipped, Level and Keywords are
//    kept even when empty; any other child with text is kept under its name with the first
//    letter lowercased (eventID, eventRecordID, channel, computer, ...). Wazuh's checks for a
//    Channel or Security UserID compare the first attribute's value with "UserID" (so a real
//    <Security UserID='S-1-5-18'/> adds nothing); kept as is. severityValue is added from
//    Level and Keywords (winevt_names.h), and "message" last: the "Message" member as cJSON
//    prints it (so with its quotes) with its JSON escapes undone (\r\n become line breaks).
//  * <EventData>: <Data Name='X'>v</Data> gives x (first letter lowercased) = v, with v's
//    trailing white space removed; "(NULL)", "-" and empty values are dropped. A Data attribute
//    other than Name also names a field (Wazuh's loop). Unnamed <Data> values are joined with
//    ", " into "data" (at most 65535 bytes), any other child with text is kept under its name.
//    AuditPolicyChanges is kept as auditPolicyChangesId and its codes named in
//    auditPolicyChanges; with Level and Keywords present, CategoryId/SubcategoryId are named in
//    category/subcategory. "eventdata" is left out when it would be empty.
//  * Any other child of the event (UserData, ...): the text children of each of its children go
//    into one object named after the last of those children (first letter lowercased):
//    <UserData><LogFileCleared><SubjectUserName>a</...> gives "logFileCleared":{"subjectUserName":"a"}.
//  * Strings are printed as cJSON prints them; members keep their order and duplicates.
// One difference from Wazuh, on XML Windows never renders: the reader is the ruleset's, so an
// element named var defines a variable (Wazuh's OS_ReadXMLString keeps it as an element).
// Pure and bounded: linear in the message; the XML reader's limits apply (a name, text or value
// of more than 20479 bytes makes the XML unreadable, as in Wazuh).
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace herald::analysis {

class JsonDocument;

struct EventChannelJson {
  std::string json;  // the {"win":{...}} text: the event's full_log from now on
  // Set when the event's XML could not be read: the JSON then holds only what the message gives
  // ({"win":{"system":{"message":...}}} or {"win":{"system":{}}}), as in Wazuh, which goes on.
  std::optional<std::string> xml_error;
};

// Errors (invalid_argument): the message is not JSON, or not an object with an "Event" member;
// analysisd drops those events. `scratch` is a reusable parse buffer.
core::Result<EventChannelJson> eventchannel_to_json(std::string_view message, JsonDocument& scratch);

}  // namespace herald::analysis
