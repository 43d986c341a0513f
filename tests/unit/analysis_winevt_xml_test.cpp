// The Windows event channel conversion (winevt_xml.h, winevt_names.h) and decoding
// (eventchannel_decoder.h): a 4.x agent's {"Message","Event"} message into Wazuh's win JSON.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "analysis/alert.h"
#include "analysis/analyzer.h"
#include "analysis/decoder_json_text.h"
#include "analysis/event.h"
#include "analysis/eventchannel_decoder.h"
#include "analysis/ruleset.h"
#include "analysis/winevt_names.h"
#include "analysis/winevt_xml.h"
#include "core/metrics.h"

namespace herald::analysis {
namespace {

// What logcollector sends: the rendered XML and, when Windows has one, the formatted message.
std::string envelope(std::string_view xml, std::optional<std::string_view> message = std::nullopt) {
  std::string out = "{";
  if (message) {
    out += "\"Message\":";
    append_cjson_string(*message, out);
    out += ",";
  }
  out += "\"Event\":";
  append_cjson_string(xml, out);
  out += "}";
  return out;
}

std::string event_xml(std::string_view system, std::string_view rest) {
  return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>" + std::string(system) +
         "</System>" + std::string(rest) + "</Event>";
}

std::string converted(std::string_view message) {
  JsonDocument scratch;
  auto result = eventchannel_to_json(message, scratch);
  EXPECT_TRUE(result) << result.error().message;
  EXPECT_FALSE(result && result->xml_error) << *result->xml_error;
  return result ? result->json : std::string();
}

constexpr std::string_view kLogonFailureSystem =
    "<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
    "<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode>"
    "<Keywords>0x8010000000000000</Keywords><TimeCreated SystemTime='2024-12-12T10:15:30.1234567Z'/>"
    "<EventRecordID>123456</EventRecordID><Correlation ActivityID='{1a2b3c4d-0000-0000-0000-000000000000}'/>"
    "<Execution ProcessID='640' ThreadID='2084'/><Channel>Security</Channel>"
    "<Computer>WS01.corp.example.com</Computer><Security/>";

TEST(WinevtXml, SystemFieldsAsAnalysisdNamesThem) {
  const std::string json = converted(envelope(event_xml(kLogonFailureSystem, "")));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"providerName\":\"Microsoft-Windows-Security-Auditing\","
            "\"providerGuid\":\"{54849625-5478-4994-a5ba-3e3b0328c30d}\",\"eventID\":\"4625\",\"version\":\"0\","
            "\"level\":\"0\",\"task\":\"12544\",\"opcode\":\"0\",\"keywords\":\"0x8010000000000000\","
            "\"systemTime\":\"2024-12-12T10:15:30.1234567Z\",\"eventRecordID\":\"123456\",\"processID\":\"640\","
            "\"threadID\":\"2084\",\"channel\":\"Security\",\"computer\":\"WS01.corp.example.com\","
            "\"severityValue\":\"AUDIT_FAILURE\"}}}");
}

TEST(WinevtXml, EventDataPairsLowercasedTrimmedPlaceholdersDropped) {
  const std::string json = converted(envelope(event_xml(
      "<EventID>4625</EventID>",
      "<EventData><Data Name='SubjectUserSid'>S-1-0-0</Data><Data Name='SubjectUserName'>-</Data>"
      "<Data Name='TargetUserName'>alice</Data><Data Name='LogonProcessName'>NtLmSsp </Data>"
      "<Data Name='ProcessName'>(NULL)</Data><Data Name='IpPort'></Data><Data Name='IpAddress'>203.0.113.7</Data>"
      "<Data Name='TargetUserName'>second</Data></EventData>")));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"eventID\":\"4625\"},\"eventdata\":{\"subjectUserSid\":\"S-1-0-0\","
            "\"targetUserName\":\"alice\",\"logonProcessName\":\"NtLmSsp\",\"ipAddress\":\"203.0.113.7\","
            "\"targetUserName\":\"second\"}}}");
}

TEST(WinevtXml, UnnamedDataJoinedAndOtherChildrenKept) {
  const std::string json = converted(envelope(
      event_xml("<EventID>7036</EventID>",
                "<EventData><Data>Windows Update</Data><Data>-</Data><Data>running</Data><Binary>7700750061</Binary>"
                "</EventData>")));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"eventID\":\"7036\"},\"eventdata\":{\"binary\":\"7700750061\","
            "\"data\":\"Windows Update, running\"}}}");
}

TEST(WinevtXml, NoEventDataObjectWhenNothingInIt) {
  EXPECT_EQ(converted(envelope(event_xml("<EventID>1</EventID>", "<EventData><Data Name='A'>-</Data></EventData>"))),
            "{\"win\":{\"system\":{\"eventID\":\"1\"}}}");
}

TEST(WinevtXml, BackslashesAndQuotesReadJsonEscapedAsInWazuh) {
  JsonDocument scratch;
  Event event;
  event.queue = kEventChannelQueue;
  event.full_log =
      envelope(event_xml("<EventID>7045</EventID><Channel>System</Channel>",
                         "<EventData><Data Name='ImagePath'>C:\\Windows\\evil.exe \"-x\"</Data></EventData>"));
  event.set_log(0, event.full_log.size());
  ASSERT_EQ(decode_eventchannel(event, scratch), EventChannelOutcome::decoded);
  // The XML analysisd reads is the JSON-escaped member, so the field holds \\ and \" (Wazuh's
  // rules match C:\\\\Windows for that reason).
  EXPECT_EQ(event.dynamic_field("win.eventdata.imagePath"), "C:\\\\Windows\\\\evil.exe \\\"-x\\\"");
  EXPECT_NE(event.full_log.find(R"("imagePath":"C:\\\\Windows\\\\evil.exe \\\"-x\\\"")"), std::string::npos)
      << event.full_log;
  EXPECT_EQ(event.decoder_name, "windows_eventchannel");
  EXPECT_EQ(event.dynamic_field("win.system.channel"), "System");
  EXPECT_EQ(event.log(), event.full_log);
}

TEST(WinevtXml, MessageKeepsItsQuotesWithEscapesUndone) {
  const std::string json =
      converted(envelope(event_xml("<EventID>4625</EventID>", ""),
                         "An account failed to log on.\r\n\r\nSubject:\r\n\tSecurity ID:\tS-1-0-0"));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"eventID\":\"4625\",\"message\":\"\\\"An account failed to log on.\\r\\n\\r\\n"
            "Subject:\\r\\n\\tSecurity ID:\\tS-1-0-0\\\"\"}}}");
}

TEST(WinevtXml, EnvelopeMembersFoundIgnoringCase) {
  EXPECT_EQ(converted("{\"event\":\"<Event><System><EventID>1</EventID></System></Event>\",\"MESSAGE\":\"m\"}"),
            "{\"win\":{\"system\":{\"eventID\":\"1\",\"message\":\"\\\"m\\\"\"}}}");
}

TEST(WinevtXml, UserDataObjectNamedAfterItsChild) {
  const std::string json = converted(envelope(
      event_xml("<EventID>1102</EventID>",
                "<UserData><LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>"
                "<SubjectUserSid>S-1-5-21-1</SubjectUserSid><SubjectUserName>alice</SubjectUserName>"
                "<SubjectDomainName>-</SubjectDomainName></LogFileCleared></UserData>")));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"eventID\":\"1102\"},\"logFileCleared\":{\"subjectUserSid\":\"S-1-5-21-1\","
            "\"subjectUserName\":\"alice\"}}}");
}

TEST(WinevtXml, AuditCategoriesAndPolicyChangesNamed) {
  const std::string json = converted(
      envelope(event_xml("<EventID>4719</EventID><Level>0</Level><Keywords>0x8020000000000000</Keywords>",
                         "<EventData><Data Name='CategoryId'>%%8274</Data><Data Name='SubcategoryId'>%%12801</Data>"
                         "<Data Name='AuditPolicyChanges'>%%8449, %%8451</Data></EventData>")));
  EXPECT_EQ(json,
            "{\"win\":{\"system\":{\"eventID\":\"4719\",\"level\":\"0\",\"keywords\":\"0x8020000000000000\","
            "\"severityValue\":\"AUDIT_SUCCESS\"},\"eventdata\":{\"categoryId\":\"%%8274\","
            "\"subcategoryId\":\"%%12801\",\"auditPolicyChangesId\":\"%%8449, %%8451\",\"category\":\"Object Access\","
            "\"subcategory\":\"Registry\",\"auditPolicyChanges\":\"Success added, Failure added\"}}}");
}

TEST(WinevtXml, SecurityUserIdOnlyAsWazuhComparesIt) {
  // analysisd compares the first attribute's value with "UserID": a real SID adds nothing.
  EXPECT_EQ(converted(envelope(event_xml("<Security UserID='S-1-5-18'/>", ""))), "{\"win\":{\"system\":{}}}");
}

TEST(WinevtXml, EmptyEventGivesAnEmptySystem) {
  EXPECT_EQ(converted(envelope("")), "{\"win\":{\"system\":{}}}");
  EXPECT_EQ(converted("{\"Event\":5}"), "{\"win\":{\"system\":{}}}");
}

TEST(WinevtXml, MalformedXmlKeepsOnlyTheMessage) {
  JsonDocument scratch;
  for (const std::string xml : {"<Event><System><EventID>1</EventID></System>", "<Event><System a=\"1\"/></Event>",
                                "<Event><System></Evnt>", "<", "<Event><Data Name='x>y</Data></Event>"}) {
    auto result = eventchannel_to_json(envelope(xml, "text"), scratch);
    ASSERT_TRUE(result) << xml;
    EXPECT_TRUE(result->xml_error) << xml;
    EXPECT_EQ(result->json, "{\"win\":{\"system\":{\"message\":\"\\\"text\\\"\"}}}") << xml;
  }
}

TEST(WinevtXml, EnvelopeErrorsAreDrops) {
  JsonDocument scratch;
  for (const std::string message : {"", "not json", "<Event/>", "[\"Event\"]", "{\"Message\":\"m\"}", "\"Event\""}) {
    auto result = eventchannel_to_json(message, scratch);
    EXPECT_FALSE(result) << message;
  }
  Event event;
  event.full_log = "{\"Message\":\"m\"}";
  event.set_log(0, event.full_log.size());
  EXPECT_EQ(decode_eventchannel(event, scratch), EventChannelOutcome::dropped);
  EXPECT_EQ(event.full_log, "{\"Message\":\"m\"}");
  EXPECT_TRUE(event.decoder_name.empty());
}

TEST(WinevtNames, Severity) {
  EXPECT_EQ(winevt_severity("0", "0x8010000000000000"), "AUDIT_FAILURE");
  EXPECT_EQ(winevt_severity("0", "0x8020000000000000"), "AUDIT_SUCCESS");
  EXPECT_EQ(winevt_severity("0", "0x8000000000000000"), "UNKNOWN");
  EXPECT_EQ(winevt_severity("1", ""), "CRITICAL");
  EXPECT_EQ(winevt_severity("2", ""), "ERROR");
  EXPECT_EQ(winevt_severity("3", ""), "WARNING");
  EXPECT_EQ(winevt_severity(" 4x", ""), "INFORMATION");
  EXPECT_EQ(winevt_severity("5", ""), "VERBOSE");
  EXPECT_EQ(winevt_severity("6", ""), "UNKNOWN");
  EXPECT_EQ(winevt_severity("", "10000000000000"), "AUDIT_FAILURE");  // strtol("") is 0: audit
}

TEST(WinevtNames, Categories) {
  auto names = winevt_category("%%8273", "%%12544");
  EXPECT_EQ(names.category, "Logon/Logoff");
  EXPECT_EQ(names.subcategory, "Logon");
  names = winevt_category("8280", "14339");
  EXPECT_EQ(names.category, "Account Logon");
  EXPECT_EQ(names.subcategory, "Kerberos Authentication Service");
  names = winevt_category("%%8272", "%%12544");  // a subcategory of another category
  EXPECT_EQ(names.category, "System");
  EXPECT_FALSE(names.subcategory);
  EXPECT_FALSE(winevt_category("8281", "14592").category);
  EXPECT_FALSE(winevt_category("x", "y").category);
}

TEST(WinevtNames, AuditPolicyChanges) {
  EXPECT_EQ(winevt_audit_policy_changes("%%8448"), "Success removed");
  EXPECT_EQ(winevt_audit_policy_changes("%%8450, %%8449"), "Failure removed, Success added");
  EXPECT_EQ(winevt_audit_policy_changes("%%1, %%8451"), "Failure added");
  EXPECT_FALSE(winevt_audit_policy_changes("%%1"));
  EXPECT_FALSE(winevt_audit_policy_changes(""));
  // At most four parts: the fourth keeps the rest, read up to its first comma by strtol.
  EXPECT_EQ(winevt_audit_policy_changes("1,2,3,8448,8449"), "Success removed");
}

// The Analyzer takes queue 'f' events past the decoder tree, as analysisd does, and counts what
// it drops and what it cannot read.
TEST(WinevtAnalyzer, QueueFEventsAreDecodedAsWindowsEventchannelAndFailuresCounted) {
  RulesetSources sources;
  sources.rules.push_back({"rules.xml",
                           "<group name=\"windows,\">\n"
                           "  <rule id=\"7\" level=\"0\" noalert=\"1\"><category>ossec</category>"
                           "<description>root</description></rule>\n"
                           "  <rule id=\"100\" level=\"5\"><category>ossec</category>"
                           "<decoded_as>windows_eventchannel</decoded_as>"
                           "<field name=\"win.system.eventID\">^4625$</field><description>failed</description></rule>\n"
                           "</group>\n"});
  LoadWarnings warnings;
  auto ruleset = Ruleset::load(sources, warnings);
  ASSERT_TRUE(ruleset) << ruleset.error().message;
  core::Counter dropped;
  core::Counter unreadable;
  AnalyzerOptions options{"manager", 3};
  options.eventchannel_dropped = &dropped;
  options.eventchannel_unreadable_xml = &unreadable;
  Analyzer analyzer(*ruleset, options);

  const std::string message = envelope(event_xml(kLogonFailureSystem, ""));
  auto trace = analyzer.trace(RawEvent{"002", "ws01", "any", 'f', "EventChannel", message}, 1'765'534'530);
  ASSERT_NE(trace.event, nullptr);
  EXPECT_EQ(trace.rule_id, 100);
  EXPECT_TRUE(trace.alert_raised);
  EXPECT_EQ(trace.event->decoder_name, "windows_eventchannel");
  EXPECT_TRUE(trace.event->full_log.starts_with("{\"win\":{\"system\":{\"providerName\""));
  EXPECT_FALSE(trace.event->program_name.has_value());
  EXPECT_EQ(trace.event->location, "(ws01) any->EventChannel");

  // The same text on a log file queue is an ordinary JSON log: no decoder here, no rule.
  trace = analyzer.trace(RawEvent{"002", "ws01", "any", '1', "EventChannel", message}, 1'765'534'531);
  EXPECT_EQ(trace.event->decoder_name, "");
  EXPECT_EQ(trace.rule_id, 0);

  trace =
      analyzer.trace(RawEvent{"002", "ws01", "any", 'f', "EventChannel", envelope("<Event><System>")}, 1'765'534'532);
  EXPECT_EQ(trace.event->decoder_name, "windows_eventchannel");
  EXPECT_EQ(trace.event->full_log, "{\"win\":{\"system\":{}}}");
  EXPECT_EQ(unreadable.value(), 1u);

  EXPECT_FALSE(analyzer.analyze(RawEvent{"002", "ws01", "any", 'f', "EventChannel", "not json"}, 1'765'534'533));
  EXPECT_EQ(dropped.value(), 1u);
  EXPECT_EQ(unreadable.value(), 1u);
}

}  // namespace
}  // namespace herald::analysis
