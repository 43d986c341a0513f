// The plugin decoders Wazuh ships: PF, SymantecWS, SonicWall, OSSECAlert (JSON has its own test
// file), and the plugin names <plugin_decoder> accepts.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "analysis/decoder.h"
#include "analysis/event.h"
#include "analysis/ossec_alert_decoder.h"
#include "analysis/pf_decoder.h"
#include "analysis/plugin_decoders.h"
#include "analysis/sonicwall_decoder.h"
#include "analysis/symantec_ws_decoder.h"

namespace herald::analysis {
namespace {

Event event_with_log(std::string_view log) {
  Event event;
  event.full_log = std::string(log);
  event.set_log(0, event.full_log.size());
  return event;
}

std::string field(const Event& event, StaticField which) {
  const auto value = event.static_field(which);
  return value ? std::string(*value) : "<unset>";
}

TEST(AnalysisPluginDecoders, NamesAreWazuhsExactly) {
  EXPECT_EQ(plugin_decoder_from_name("PF_Decoder"), PluginDecoder::pf);
  EXPECT_EQ(plugin_decoder_from_name("SymantecWS_Decoder"), PluginDecoder::symantec_ws);
  EXPECT_EQ(plugin_decoder_from_name("SonicWall_Decoder"), PluginDecoder::sonicwall);
  EXPECT_EQ(plugin_decoder_from_name("OSSECAlert_Decoder"), PluginDecoder::ossec_alert);
  EXPECT_EQ(plugin_decoder_from_name("JSON_Decoder"), PluginDecoder::json);
  EXPECT_FALSE(plugin_decoder_from_name("json_decoder"));
  EXPECT_FALSE(plugin_decoder_from_name("JSON_Decoder "));
  EXPECT_EQ(plugin_decoder_name(PluginDecoder::sonicwall), "SonicWall_Decoder");
}

TEST(AnalysisPluginDecoders, PfReadsActionAddressesPortsAndProtocol) {
  Event event = event_with_log("Jan 02 10:20:30.123456 rule 7/(match) pass in on em0: 10.1.2.3.5353 > 10.9.8.7.53:  udp 40");
  decode_pf(event);
  EXPECT_EQ(field(event, StaticField::action), "pass");
  EXPECT_EQ(field(event, StaticField::srcip), "10.1.2.3");
  EXPECT_EQ(field(event, StaticField::srcport), "5353");
  EXPECT_EQ(field(event, StaticField::dstip), "10.9.8.7");
  EXPECT_EQ(field(event, StaticField::dstport), "53");
  EXPECT_EQ(field(event, StaticField::protocol), "UDP");

  event = event_with_log("x rule 1/(match) block out on lo0: 127.0.0.1.48784 > 127.0.0.1.23: S 1:1(0) win 16384");
  decode_pf(event);
  EXPECT_EQ(field(event, StaticField::action), "block");
  EXPECT_EQ(field(event, StaticField::protocol), "TCP");

  event = event_with_log("x (match) pass on x: 1.2.3.4 > 5.6.7.8:   icmp: echo");
  decode_pf(event);
  EXPECT_EQ(field(event, StaticField::srcip), "1.2.3.4");
  EXPECT_EQ(field(event, StaticField::srcport), "<unset>");
  EXPECT_EQ(field(event, StaticField::dstip), "5.6.7.8");
  EXPECT_EQ(field(event, StaticField::protocol), "ICMP");
}

TEST(AnalysisPluginDecoders, PfStopsAtTheFirstPartThatDoesNotFit) {
  Event event = event_with_log("rule 1/(match) drop in");
  decode_pf(event);
  EXPECT_EQ(field(event, StaticField::action), "<unset>");

  event = event_with_log("rule 1/(match) pass in on em0: 1.2.3.4.80 - 5.6.7.8.90: tcp");
  decode_pf(event);
  EXPECT_EQ(field(event, StaticField::action), "pass");
  EXPECT_EQ(field(event, StaticField::srcip), "1.2.3.4");
  EXPECT_EQ(field(event, StaticField::srcport), "80");
  EXPECT_EQ(field(event, StaticField::dstip), "<unset>");

  for (const char* log : {"", ")", ") ", "x)p", ") p", ") p:", ") p: a", ") p: a >", ") p: a > b", ") p: a > b:"}) {
    Event short_event = event_with_log(log);
    decode_pf(short_event);  // no reads past the end
  }
}

TEST(AnalysisPluginDecoders, SymantecWsKeepsTheFirstValueOfEachKind) {
  Event event = event_with_log("20240101,12345,1=5,100=Logoff,11=10.0.0.1,10=alice,11=10.0.0.2,60=http://x/y,3=1,2=2");
  decode_symantec_ws(event);
  EXPECT_EQ(field(event, StaticField::srcip), "10.0.0.1");
  EXPECT_EQ(field(event, StaticField::dstuser), "alice");
  EXPECT_EQ(field(event, StaticField::url), "http://x/y");
  // The id is the next 9 bytes from the key on, commas included.
  EXPECT_EQ(field(event, StaticField::id), "3=1,2=2");

  // Wazuh skips only up to the first comma, so the time is read as an entry too.
  event = event_with_log("20240101,10=bob");
  decode_symantec_ws(event);
  EXPECT_EQ(field(event, StaticField::dstuser), "bob");

  // Fields already set are kept.
  event = event_with_log("d,t,10=carol");
  event.set_static_field(StaticField::dstuser, "dave");
  decode_symantec_ws(event);
  EXPECT_EQ(field(event, StaticField::dstuser), "dave");

  // Values are cut: 128 bytes for users and addresses.
  event = event_with_log("d,10=" + std::string(200, 'u'));
  decode_symantec_ws(event);
  EXPECT_EQ(field(event, StaticField::dstuser), std::string(128, 'u'));

  event = event_with_log("no comma at all");
  decode_symantec_ws(event);
  EXPECT_EQ(event.static_field(StaticField::id), std::nullopt);
}

TEST(AnalysisPluginDecoders, SonicWallFirewallEvents) {
  DecoderType type = DecoderType::web_log;
  Event event = event_with_log(
      "id=fw sn=X time=\"t\" fw=1.1.1.1 pri=6 c=262144 m=98 msg=\"Connection Opened\" n=1 "
      "src=192.168.0.10:1234:X0 dst=8.8.8.8:53:X1 proto=udp/dns");
  decode_sonicwall(event, type);
  EXPECT_EQ(type, DecoderType::firewall);
  EXPECT_EQ(field(event, StaticField::status), "6");
  EXPECT_EQ(field(event, StaticField::id), "98");
  EXPECT_EQ(field(event, StaticField::srcip), "192.168.0.10");
  EXPECT_EQ(field(event, StaticField::srcport), "1234");
  EXPECT_EQ(field(event, StaticField::dstip), "8.8.8.8");
  EXPECT_EQ(field(event, StaticField::dstport), "53");
  EXPECT_EQ(field(event, StaticField::protocol), "udp");
  EXPECT_EQ(field(event, StaticField::action), "pass");

  type = DecoderType::web_log;
  event = event_with_log("pri=1 c=32 m=37 msg=\"x\" src=1.2.3.4:5:X0 dst=5.6.7.8:9:X1 proto=tcp/https");
  decode_sonicwall(event, type);
  EXPECT_EQ(type, DecoderType::ids);  // the category wins over the id
  EXPECT_EQ(field(event, StaticField::action), "<unset>");

  event = event_with_log("pri=1 c=4 m=537 src=1.2.3.4:5:X0 dst=5.6.7.8:9:X1 proto=tcp");
  decode_sonicwall(event, type);
  EXPECT_EQ(type, DecoderType::firewall);
  EXPECT_EQ(field(event, StaticField::action), "close");

  event = event_with_log("pri=1 c=4 m=36 src=1.2.3.4:5:X0 dst=5.6.7.8:9:X1 proto=tcp");
  decode_sonicwall(event, type);
  EXPECT_EQ(field(event, StaticField::action), "drop");
}

TEST(AnalysisPluginDecoders, SonicWallProxyEventsTakeTheResultAndUrl) {
  DecoderType type = DecoderType::syslog;
  Event event = event_with_log(
      "pri=6 c=1024 m=97 n=1 src=10.0.0.5:3456:X0 dst=93.184.216.34:80:X1 proto=tcp/http op=1 "
      "result=200 dstname=example.com arg=/index.html");
  decode_sonicwall(event, type);
  EXPECT_EQ(type, DecoderType::squid);
  EXPECT_EQ(field(event, StaticField::id), "200");
  EXPECT_EQ(field(event, StaticField::url), "example.com/index.html");
}

TEST(AnalysisPluginDecoders, SonicWallWithoutItsHeaderOnlyResetsTheType) {
  DecoderType type = DecoderType::ids;
  Event event = event_with_log("src=1.2.3.4:5:X0 dst=5.6.7.8:9:X1");
  decode_sonicwall(event, type);
  EXPECT_EQ(type, DecoderType::syslog);
  EXPECT_EQ(field(event, StaticField::srcip), "<unset>");

  // Header but no addresses: the header's fields stay.
  event = event_with_log("pri=3 c=4 m=14 msg=\"x\"");
  decode_sonicwall(event, type);
  EXPECT_EQ(field(event, StaticField::id), "14");
  EXPECT_EQ(field(event, StaticField::srcip), "<unset>");
}

TEST(AnalysisPluginDecoders, OssecAlertRewritesLocationFieldsAndLog) {
  DecoderType type = DecoderType::syslog;
  std::optional<std::string> generated_rule;
  Event event = event_with_log(
      "Alert Level: 5; Rule: 5716 - SSHD authentication failed.; Location: (web) 10.0.0.2->/var/log/secure; "
      "srcip: 10.0.0.9; user: root;  Oct 10 10:10:10 web sshd[1]: Failed password for root");
  event.location = "remote";
  decode_ossec_alert(event, type, {}, generated_rule);
  EXPECT_EQ(type, DecoderType::ossec_alert);
  EXPECT_EQ(event.location, "remote|(web) 10.0.0.2->/var/log/secure");
  EXPECT_EQ(event.hostname.view(), event.location);
  EXPECT_EQ(field(event, StaticField::srcip), "10.0.0.9");
  EXPECT_EQ(field(event, StaticField::dstuser), "root");
  EXPECT_EQ(event.full_log, "Oct 10 10:10:10 web sshd[1]: Failed password for root");
  EXPECT_EQ(event.log(), event.full_log);
  EXPECT_EQ(generated_rule, "5716");
}

TEST(AnalysisPluginDecoders, OssecAlertNeedsAKnownRule) {
  DecoderType type = DecoderType::syslog;
  std::optional<std::string> generated_rule;
  const std::string log = "ossec: Alert Level: 3; Rule: 1002 - x; Location: h->f;  rest";
  Event event = event_with_log(log);
  event.location = "loc";
  const RuleExists only_5715 = [](std::string_view id) { return id == "5715"; };
  decode_ossec_alert(event, type, only_5715, generated_rule);
  EXPECT_EQ(type, DecoderType::ossec_alert);
  EXPECT_EQ(event.location, "loc");
  EXPECT_EQ(event.full_log, log);
  EXPECT_FALSE(generated_rule);

  const RuleExists any_rule = [](std::string_view) { return true; };
  decode_ossec_alert(event, type, any_rule, generated_rule);
  EXPECT_EQ(event.location, "loc|h->f");
  EXPECT_EQ(event.full_log, "rest");
  EXPECT_EQ(generated_rule, "1002");
}

TEST(AnalysisPluginDecoders, OssecAlertStopsAtTheFirstPartThatDoesNotFit) {
  for (const char* log : {"Alert level: 3; Rule: 1 - x; Location: l; m", "Alert Level: 3 Rule: 1 - x",
                          "Alert Level: 3; Rule:1 - x; Location: l; m", "Alert Level: 3; Rule: 1; Location: l; m",
                          "Alert Level: 3; Rule: 1 - x; Place: l; m", "Alert Level: 3; Rule: 1 - x; Location: l",
                          "Alert Level:", ""}) {
    DecoderType type = DecoderType::syslog;
    std::optional<std::string> generated_rule;
    Event event = event_with_log(log);
    event.location = "loc";
    decode_ossec_alert(event, type, {}, generated_rule);
    EXPECT_EQ(type, DecoderType::ossec_alert) << log;
    EXPECT_EQ(event.location, "loc") << log;
    EXPECT_EQ(event.full_log, log) << log;
    EXPECT_FALSE(generated_rule) << log;
  }
  // An entry without its ';' ends decoding after the location changed.
  DecoderType type = DecoderType::syslog;
  std::optional<std::string> generated_rule;
  Event event = event_with_log("Alert Level: 3; Rule: 1 - x; Location: l; srcip: 1.2.3.4");
  decode_ossec_alert(event, type, {}, generated_rule);
  EXPECT_EQ(event.location, "|l");
  EXPECT_EQ(field(event, StaticField::srcip), "<unset>");
  EXPECT_FALSE(generated_rule);
}

TEST(AnalysisPluginDecoders, OssecAlertCutsTheLocationAndLog) {
  DecoderType type = DecoderType::syslog;
  std::optional<std::string> generated_rule;
  Event event = event_with_log("Alert Level: 3; Rule: 1 - x; Location: " + std::string(300, 'l') + ";  " +
                               std::string(5000, 'm'));
  event.location = "loc";
  decode_ossec_alert(event, type, {}, generated_rule);
  EXPECT_EQ(event.location.size(), 254u);
  EXPECT_EQ(event.full_log, std::string(4094, 'm'));
}

}  // namespace
}  // namespace herald::analysis
