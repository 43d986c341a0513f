// Pre-decoding (OS_CleanMSG's behaviour): every header layout Wazuh recognises, the host and
// program shapes after a syslog date, Wazuh's quirks on odd headers, the location forms, and a
// cross-check over Wazuh's own ruleset test logs when /work/wazuh4 is there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include "analysis/predecoder.h"

namespace herald::analysis {
namespace {

struct Expected {
  HeaderForm form;
  std::optional<std::string> timestamp;
  std::optional<std::string> hostname;
  std::optional<std::string> program;
  std::optional<std::string> pid;
  std::string log;
};

struct HeaderCase {
  std::string name;
  std::string text;
  Expected expected;
};

std::optional<std::string> text_of(std::string_view text, const TextSpan& span) {
  if (!span.present) return std::nullopt;
  return std::string(text.substr(span.offset, span.length));
}

void PrintTo(const HeaderCase& c, std::ostream* os) {
  *os << c.name;
}

class HeaderForms : public testing::TestWithParam<HeaderCase> {};

TEST_P(HeaderForms, ReadLikeWazuh) {
  const auto& c = GetParam();
  const LogHeader header = parse_log_header(c.text);
  EXPECT_EQ(header.form, c.expected.form);
  EXPECT_EQ(text_of(c.text, header.timestamp), c.expected.timestamp);
  EXPECT_EQ(text_of(c.text, header.hostname), c.expected.hostname);
  EXPECT_EQ(text_of(c.text, header.program_name), c.expected.program);
  EXPECT_EQ(text_of(c.text, header.pid), c.expected.pid);
  EXPECT_EQ(std::string(std::string_view(c.text).substr(header.log_offset, header.log_length)), c.expected.log);
}

const auto none = std::nullopt;
using F = HeaderForm;

INSTANTIATE_TEST_SUITE_P(
    AnalysisPredecoder, HeaderForms,
    testing::Values(
        // RFC 3164 and the program shapes after it.
        HeaderCase{"syslog_pid",
                   "Dec 29 10:00:01 web1 sshd[1234]: Accepted password for root",
                   {F::syslog, "Dec 29 10:00:01", "web1", "sshd", "1234", "Accepted password for root"}},
        HeaderCase{"syslog_padded_day",
                   "Jun  4 09:03:11 web1 CRON[5]: (root) CMD (true)",
                   {F::syslog, "Jun  4 09:03:11", "web1", "CRON", "5", "(root) CMD (true)"}},
        HeaderCase{"syslog_program_colon",
                   "Dec 29 10:00:01 web1 su: session opened",
                   {F::syslog, "Dec 29 10:00:01", "web1", "su", none, "session opened"}},
        HeaderCase{"syslog_colon_without_space",
                   "Dec 29 10:00:01 web1 su:opened",
                   {F::syslog, "Dec 29 10:00:01", "web1", "su", none, "opened"}},
        HeaderCase{"syslog_pid_colon_without_space",
                   "Dec 29 10:00:01 web1 su[7]:opened",
                   {F::syslog, "Dec 29 10:00:01", "web1", "su", "7", "opened"}},
        HeaderCase{"syslog_pid_without_colon",
                   "Dec 29 10:00:01 web1 kernel[0] eth0 up",
                   {F::syslog, "Dec 29 10:00:01", "web1", "kernel", "0", "eth0 up"}},
        HeaderCase{"syslog_program_with_path",
                   "Dec 29 10:00:01 web1 /usr/sbin/cron[77]: job",
                   {F::syslog, "Dec 29 10:00:01", "web1", "/usr/sbin/cron", "77", "job"}},
        HeaderCase{"syslog_extra_space",
                   "Dec 29 10:00:01  web1 su: x",
                   {F::syslog, "Dec 29 10:00:01", "web1", "su", none, "x"}},
        HeaderCase{"solaris_without_host",
                   "Dec 29 10:00:01 sshd: Failed password",
                   {F::syslog, "Dec 29 10:00:01", none, "sshd", none, "Failed password"}},
        HeaderCase{"solaris_message_id",
                   "Dec 29 10:00:01 web1 sshd[9]: [ID 800047 auth.info] Failed password",
                   {F::syslog, "Dec 29 10:00:01", "web1", "sshd", "9", "Failed password"}},
        HeaderCase{"aix",
                   "Dec 29 10:00:01 web1 auth|security:info sshd: Accepted",
                   {F::syslog, "Dec 29 10:00:01", "web1", "sshd", none, "Accepted"}},
        HeaderCase{"aix_pid",
                   "Dec 29 10:00:01 web1 auth|security:info sshd[42]: Accepted",
                   {F::syslog, "Dec 29 10:00:01", "web1", "sshd", "42", "Accepted"}},
        HeaderCase{"no_program",
                   "Dec 29 10:00:01 web1 -- MARK --",
                   {F::syslog, "Dec 29 10:00:01", "web1", none, none, "-- MARK --"}},
        HeaderCase{"no_host",
                   "Dec 29 10:00:01 [weird] text",
                   {F::syslog, "Dec 29 10:00:01", none, none, none, "[weird] text"}},
        HeaderCase{"host_at_end", "Dec 29 10:00:01 web1", {F::syslog, "Dec 29 10:00:01", none, none, none, "web1"}},
        HeaderCase{"umlaut_march",
                   "M\xC3\xA4r 02 17:30:52 web1 su: x",
                   {F::syslog, "M\xC3\xA4r 02 17:30:52", "web1", "su", none, "x"}},
        // The other dates followed by a host.
        HeaderCase{"with_year",
                   "2015 Dec 29 10:00:01 web1 su: x",
                   {F::with_year, "2015 Dec 29 10:00:01", "web1", "su", none, "x"}},
        HeaderCase{"iso8601_zone",
                   "2007-06-14T15:48:55-04:00 web1 su: x",
                   {F::iso8601, "2007-06-14T15:48:55-04:00", "web1", "su", none, "x"}},
        HeaderCase{"iso8601_millis",
                   "2022-12-19T15:02:53.288+00:00 web1 su: x",
                   {F::iso8601, "2022-12-19T15:02:53.288+00:00", "web1", "su", none, "x"}},
        HeaderCase{"iso8601_micros",
                   "2009-05-22T09:36:46.214994-07:00 web1 su: x",
                   {F::iso8601, "2009-05-22T09:36:46.214994-07:00", "web1", "su", none, "x"}},
        HeaderCase{"iso8601_fraction_31",
                   "2021-03-04T05:06:07.1234567890Z web1 su: x",
                   {F::iso8601, "2021-03-04T05:06:07.1234567890Z", "web1", "su", none, "x"}},
        // Wazuh's fixed 32-byte advance misreads a short "Z" fraction; kept as it is.
        HeaderCase{"iso8601_short_fraction_quirk",
                   "2015-04-16T21:51:02.805Z web1 prog: msg",
                   {F::iso8601, "2015-04-16T21:51:02.805Z web1 p", none, "og", none, "msg"}},
        HeaderCase{"proftpd",
                   "2015-04-16 21:51:02,805 ftp1 proftpd[123]: x",
                   {F::proftpd, "2015-04-16 21:51:02,805", "ftp1", "proftpd", "123", "x"}},
        HeaderCase{"macos_uls",
                   "2021-04-21 10:16:09.404756-0700 mac1 kernel[0]: x",
                   {F::macos_uls, "2021-04-21 10:16:09.404756-0700", "mac1", "kernel", "0", "x"}},
        // Dates with no host after them.
        HeaderCase{"xferlog",
                   "Mon Apr 17 18:27:14 2006 1 64.160.42.130 5174 /pub/a b _ o r u ftp 0 * c",
                   {F::xferlog, "Mon Apr 17 18:27:14 2006", none, none, none,
                    "1 64.160.42.130 5174 /pub/a b _ o r u ftp 0 * c"}},
        HeaderCase{"snort",
                   "01/28-09:13:16.240702  [**] [1:2003:8] SCAN [**]",
                   {F::snort, "01/28-09:13:16.240702", none, none, none, "[**] [1:2003:8] SCAN [**]"}},
        HeaderCase{"suricata",
                   "01/28/1979-09:13:16.240702  [**] [1:2:3] ET SCAN [**]",
                   {F::suricata, "01/28/1979-09:13:16.240702", none, none, none, "[**] [1:2:3] ET SCAN [**]"}},
        HeaderCase{"apache",
                   "[Fri Feb 11 18:06:35 2004] [warn] [client 1.2.3.4] x",
                   {F::apache, "Fri Feb 11 18:06:35 2004", none, none, none, "[warn] [client 1.2.3.4] x"}},
        HeaderCase{
            "macos_asl",
            "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] [PID 483] [Message error: PAM: "
            "Authentication failure for bob from 192.168.0.2] [Level 3] [UID -2] [GID -2] [Host mac1]",
            {F::macos_asl, none, "mac1", "sshd", none, "error: PAM: Authentication failure for bob from 192.168.0.2"}},
        HeaderCase{"macos_asl_second_message_ignored",
                   "[Time 2006.11.02 14:02:11 UTC] [Sender sshd] [Message first] [Message second] [Host h]",
                   {F::macos_asl, none, "h", "sshd", none, "first"}},
        HeaderCase{"squid",
                   "1140804070.368  11623 10.0.0.1 TCP_MISS/200 1538 GET http://x/ - DIRECT/1.2.3.4 text/html",
                   {F::squid, "1140804070.368 ", none, none, none,
                    "11623 10.0.0.1 TCP_MISS/200 1538 GET http://x/ - DIRECT/1.2.3.4 text/html"}},
        // Left alone.
        HeaderCase{"json",
                   R"({"srcip":"1.2.3.4","x":"Dec 29 10:00:01 web1 su: x"})",
                   {F::json, none, none, none, none, R"({"srcip":"1.2.3.4","x":"Dec 29 10:00:01 web1 su: x"})"}},
        HeaderCase{"no_header", "hello world", {F::none, none, none, none, none, "hello world"}},
        HeaderCase{"empty", "", {F::none, none, none, none, none, ""}},
        HeaderCase{"too_short_for_syslog", "Dec 29 10:00:01 ", {F::none, none, none, none, none, "Dec 29 10:00:01 "}},
        // Wazuh's odd cases, kept so decoders see what they see in Wazuh.
        HeaderCase{"pid_not_closed",
                   "Dec 29 10:00:01 web1 prog[12x]: msg",
                   {F::syslog, "Dec 29 10:00:01", "web1", none, none, "prog[12x]: msg"}},
        HeaderCase{"program_then_other",
                   "Dec 29 10:00:01 web1 prog=x msg",
                   {F::syslog, "Dec 29 10:00:01", "web1", none, none, "prog=x msg"}},
        HeaderCase{"aix_pid_not_closed_cuts_the_log",
                   "Dec 29 10:00:01 web1 auth|security:info prog[12x] msg",
                   {F::syslog, "Dec 29 10:00:01", "web1", "prog", none, "auth|security:info prog"}},
        HeaderCase{"aix_program_without_colon_runs_on",
                   "Dec 29 10:00:01 web1 auth|security:info prog msg",
                   {F::syslog, "Dec 29 10:00:01", "web1", "prog msg", none, " msg"}},
        HeaderCase{"aix_without_severity",
                   "Dec 29 10:00:01 web1 auth|security prog: x",
                   {F::syslog, "Dec 29 10:00:01", "web1", none, none, "auth|security prog: x"}},
        HeaderCase{
            "solaris_empty_program", "Dec 29 10:00:01 : msg", {F::syslog, "Dec 29 10:00:01", none, "", none, "msg"}},
        HeaderCase{"message_id_at_the_end",
                   "Dec 29 10:00:01 web1 prog: [ID 1 x]",
                   {F::syslog, "Dec 29 10:00:01", "web1", "prog", none, ""}},
        HeaderCase{"message_id_unclosed",
                   "Dec 29 10:00:01 web1 prog: [ID 1 x",
                   {F::syslog, "Dec 29 10:00:01", "web1", "prog", none, "[ID 1 x"}},
        HeaderCase{"asl_without_message_keeps_the_cut",
                   "[Time 2006.11.02 14:02:11 UTC] [Sender sshd] [Host h]",
                   {F::macos_asl, none, "h", "sshd", none, " UTC] [Sender sshd"}},
        HeaderCase{"asl_host_unclosed",
                   "[Time 2006.11.02 14:02:11 UTC] [Message m] [Host h",
                   {F::macos_asl, none, none, none, none, "m"}}),
    [](const testing::TestParamInfo<HeaderCase>& info) { return info.param.name; });

Event event_at(std::string location, std::string log) {
  Event event;
  event.queue = '1';
  event.location = std::move(location);
  event.full_log = std::move(log);
  return event;
}

TEST(AnalysisPredecoder, FillsTheEventFromTheHeader) {
  Event event = event_at("/var/log/auth.log", "Dec 29 10:00:01 web1 sshd[1234]: Accepted password for root");
  ASSERT_TRUE(predecode(event, {"manager"}).ok());
  EXPECT_EQ(event.timestamp.get(), "Dec 29 10:00:01");
  EXPECT_EQ(event.header_hostname.get(), "web1");
  EXPECT_EQ(event.hostname.get(), "web1");
  EXPECT_EQ(event.program_name.get(), "sshd");
  EXPECT_EQ(event.pid.get(), "1234");
  EXPECT_EQ(event.log(), "Accepted password for root");
  EXPECT_EQ(event.log_offset(), event.full_log.find("Accepted"));
  EXPECT_EQ(event.agent_id, "000");
  EXPECT_EQ(event.location, "/var/log/auth.log");
  EXPECT_EQ(event.full_log, "Dec 29 10:00:01 web1 sshd[1234]: Accepted password for root");
}

TEST(AnalysisPredecoder, LocalEventsWithoutAHeaderHostAreTheManagers) {
  Event event = event_at("/var/log/messages", "Dec 29 10:00:01 sshd: Failed password");
  ASSERT_TRUE(predecode(event, {"wazuh-manager"}).ok());
  EXPECT_FALSE(event.header_hostname.has_value());
  EXPECT_EQ(event.hostname.get(), "wazuh-manager");
  EXPECT_EQ(event.program_name.get(), "sshd");

  Event json = event_at("wazuh-modulesd", R"({"a":1})");
  ASSERT_TRUE(predecode(json, {"mgr"}).ok());
  EXPECT_EQ(json.hostname.get(), "mgr");
  EXPECT_FALSE(json.program_name.has_value());
  EXPECT_FALSE(json.timestamp.has_value());
  EXPECT_EQ(json.log(), R"({"a":1})");
}

TEST(AnalysisPredecoder, AgentLocationsGiveTheAgentAndItsName) {
  Event event = event_at("[001] (web1) any->/var/log/auth.log", "Dec 29 10:00:01 otherhost su: x");
  ASSERT_TRUE(predecode(event, {"mgr"}).ok());
  EXPECT_EQ(event.agent_id, "001");
  EXPECT_EQ(event.location, "(web1) any->/var/log/auth.log");
  // Wazuh's hostname is the agent's name, whatever the header says; the header's is kept apart.
  EXPECT_EQ(event.hostname.get(), "web1");
  EXPECT_EQ(event.header_hostname.get(), "otherhost");
  EXPECT_EQ(event.agent_name, "web1");
  EXPECT_EQ(event.agent_ip, "any");
  EXPECT_EQ(event.log(), "x");
}

TEST(AnalysisPredecoder, AgentNameAndIpAreKeptWhenTheSourceSetThem) {
  Event event = event_at("[007] (web7) 10.0.0.7->/var/log/x", "plain");
  event.agent_name = "from-keys";
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.agent_name, "from-keys");
  EXPECT_EQ(event.agent_ip, "10.0.0.7");
  EXPECT_EQ(event.hostname.get(), "web7");
}

TEST(AnalysisPredecoder, AgentLocationEdgeForms) {
  struct Case {
    std::string location, agent_id, rest, hostname;
  };
  for (const auto& c : std::vector<Case>{
           {"[001]", "001", "", ""},
           {"[001]x", "001", "", ""},
           {"[001] /var/log/x", "001", "/var/log/x", ""},
           {"[001] (unclosed any->x", "001", "(unclosed any->x", ""},
           {"[] (n) any->x", "", "(n) any->x", "n"},
           {"[001] (a b) 1.2.3.4->C:\\log", "001", "(a b) 1.2.3.4->C:\\log", "a b"},
       }) {
    Event event = event_at(c.location, "m");
    ASSERT_TRUE(predecode(event).ok()) << c.location;
    EXPECT_EQ(event.agent_id, c.agent_id) << c.location;
    EXPECT_EQ(event.location, c.rest) << c.location;
    EXPECT_EQ(event.hostname.get(), c.hostname) << c.location;
  }
}

TEST(AnalysisPredecoder, AnAgentLocationWithoutItsBracketIsRefused) {
  Event event = event_at("[001 (web1) any->/var/log/x", "m");
  const auto status = predecode(event);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::invalid_argument);
}

TEST(AnalysisPredecoder, TextAfterANulByteIsNotRead) {
  Event event = event_at("/var/log/x", std::string("Dec 29 10:00:01 web1 su: x\0tail", 31));
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.log(), "x");
}

TEST(AnalysisPredecoder, AReusedEventIsOverwritten) {
  Event event = event_at("[001] (web1) any->/var/log/auth.log", "Dec 29 10:00:01 web1 sshd[1]: a");
  ASSERT_TRUE(predecode(event).ok());
  event.reset();
  event.location = "/var/log/x";
  event.full_log = "no header here";
  ASSERT_TRUE(predecode(event, {"mgr"}).ok());
  EXPECT_FALSE(event.timestamp.has_value());
  EXPECT_FALSE(event.program_name.has_value());
  EXPECT_FALSE(event.pid.has_value());
  EXPECT_EQ(event.hostname.get(), "mgr");
  EXPECT_EQ(event.agent_id, "000");
  EXPECT_EQ(event.log(), "no header here");
}

TEST(AnalysisPredecoder, LongAndHostileTextsStayLinear) {
  // A long name run, many '[' and ']' and a huge ASL body: each finishes at once.
  std::string names = "Dec 29 10:00:01 " + std::string(1 << 20, 'a');
  EXPECT_EQ(parse_log_header(names).form, HeaderForm::syslog);
  std::string brackets = "[Time 2006.11.02 14:02:11 UTC] ";
  for (int i = 0; i < 100000; ++i) brackets += "[Sender x] [Message y] ";
  const auto asl = parse_log_header(brackets);
  EXPECT_EQ(asl.form, HeaderForm::macos_asl);
  EXPECT_EQ(std::string_view(brackets).substr(asl.log_offset, asl.log_length), "y");
}

// Wazuh's ruleset test logs (ruleset/testing/tests/*.ini, "log N pass = <line>"): every line
// pre-decodes, and lines in the plain "Mon dd hh:mm:ss host prog[pid]: " shape give that host and
// program (checked with an independent regular expression).
TEST(AnalysisPredecoder, WazuhRulesetTestLogs) {
  const std::filesystem::path tests = "/work/wazuh4/ruleset/testing/tests";
  if (!std::filesystem::is_directory(tests)) GTEST_SKIP() << tests << " is not here";
  const std::regex plain_syslog(
      R"(^[A-Z][a-z][a-z] [ 0-3][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] ([A-Za-z0-9._@/()-]+) ([A-Za-z0-9._@/()-]+)(\[([0-9]+)\])?: (.*)$)");
  const std::regex ini_log(R"(^log [0-9]+ [a-z]+ = (.*)$)");
  std::size_t lines = 0;
  std::size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(tests)) {
    if (entry.path().extension() != ".ini") continue;
    std::ifstream file(entry.path());
    std::string line;
    while (std::getline(file, line)) {
      std::smatch log;
      if (!std::regex_match(line, log, ini_log)) continue;
      ++lines;
      Event event = event_at("/var/log/test", log[1].str());
      ASSERT_TRUE(predecode(event, {"mgr"}).ok()) << line;
      if (event.full_log.starts_with('{')) EXPECT_EQ(event.log(), event.full_log);
      std::smatch parts;
      const std::string text = event.full_log;
      if (!std::regex_match(text, parts, plain_syslog)) continue;
      ++checked;
      EXPECT_EQ(event.header_hostname.get(), parts[1].str()) << text;
      EXPECT_EQ(event.program_name.get(), parts[2].str()) << text;
      if (parts[3].matched) EXPECT_EQ(event.pid.get(), parts[4].str()) << text;
      const std::string rest = parts[5].str();
      // "[ID ...] " is skipped after the program, and one space after ':' is optional.
      if (!rest.starts_with("[ID ") && !rest.starts_with(' ')) EXPECT_EQ(event.log(), rest) << text;
    }
  }
  EXPECT_GT(lines, 1000u);
  EXPECT_GT(checked, 300u);
}

}  // namespace
}  // namespace herald::analysis
