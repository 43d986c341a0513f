// Event sources: analysisd's queue text with its '|' escapes, a 4.x agent's message relabelled
// as remoted does, the legacy session's event line, a new agent's stateless messages, logtest
// requests; each then through predecode() as the engine will chain them, and their errors.
#include <gtest/gtest.h>

#include <string>

#include "analysis/event_source.h"
#include "analysis/predecoder.h"

namespace herald::analysis {
namespace {

const AgentIdentity kAgent{"001", "web1", "any"};

TEST(AnalysisEventSource, QueueMessage) {
  Event event;
  ASSERT_TRUE(parse_queue_message("1:/var/log/auth.log:Dec 29 10:00:01 web1 sshd[1]: ok: yes", event).ok());
  EXPECT_EQ(event.queue, '1');
  EXPECT_EQ(event.location, "/var/log/auth.log");
  EXPECT_EQ(event.full_log, "Dec 29 10:00:01 web1 sshd[1]: ok: yes");
  ASSERT_TRUE(predecode(event, {"mgr"}).ok());
  EXPECT_EQ(event.agent_id, "000");
  EXPECT_EQ(event.program_name.get(), "sshd");
  EXPECT_EQ(event.log(), "ok: yes");
}

TEST(AnalysisEventSource, QueueMessageLocationsAreUnescaped) {
  Event event;
  // What analysisd receives from an agent: ':' and '|' of the source are escaped with '|'.
  ASSERT_TRUE(parse_queue_message("1:[001] (web1) fe80|:|:1->C|:\\logs|||x.log:message", event).ok());
  EXPECT_EQ(event.location, "[001] (web1) fe80::1->C:\\logs|x.log");
  EXPECT_EQ(event.full_log, "message");
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.agent_id, "001");
  EXPECT_EQ(event.location, "(web1) fe80::1->C:\\logs|x.log");
  EXPECT_EQ(event.agent_ip, "fe80::1");

  // "|x" is x and "||" is '|'; an escaped ':' stays in the location.
  ASSERT_TRUE(parse_queue_message("8:a|bc:m", event).ok());
  EXPECT_EQ(event.location, "abc");
  EXPECT_EQ(event.full_log, "m");
  ASSERT_TRUE(parse_queue_message("8:abc||:m", event).ok());
  EXPECT_EQ(event.location, "abc|");
  EXPECT_EQ(event.full_log, "m");
  ASSERT_TRUE(parse_queue_message("8:x|:y:m:n", event).ok());
  EXPECT_EQ(event.location, "x:y");
  EXPECT_EQ(event.full_log, "m:n");
  ASSERT_TRUE(parse_queue_message("8::", event).ok());
  EXPECT_EQ(event.location, "");
  EXPECT_EQ(event.full_log, "");
}

TEST(AnalysisEventSource, QueueMessageErrors) {
  Event event;
  EXPECT_FALSE(parse_queue_message("", event).ok());
  EXPECT_FALSE(parse_queue_message("1", event).ok());
  EXPECT_FALSE(parse_queue_message("1;loc:msg", event).ok());
  EXPECT_FALSE(parse_queue_message("1:no colon after the location", event).ok());
  EXPECT_FALSE(parse_queue_message("1:escaped|:colon", event).ok());
  const auto status = parse_queue_message("1:x", event);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_FALSE(status.error().message.empty());
}

TEST(AnalysisEventSource, QueueMessageStopsAtANul) {
  Event event;
  ASSERT_TRUE(parse_queue_message(std::string("1:loc:abc\0def", 13), event).ok());
  EXPECT_EQ(event.full_log, "abc");
  EXPECT_FALSE(parse_queue_message(std::string("1:lo\0c:abc", 10), event).ok());
}

TEST(AnalysisEventSource, LongLocationsAreCutLikeWazuh) {
  Event event;
  const std::string location(kMaxLocationLength + 100, 'l');
  ASSERT_TRUE(parse_queue_message("1:" + location + ":m", event).ok());
  EXPECT_EQ(event.location.size(), kMaxLocationLength);
  EXPECT_EQ(event.full_log, "m");
}

TEST(AnalysisEventSource, LegacyAgentMessageIsRelabelledAsRemotedDoes) {
  Event event;
  ASSERT_TRUE(
      parse_legacy_agent_message({"001", "web1", "10.0.0.5"}, "1:/var/log/secure:Dec 29 10:00:01 h su: x", event).ok());
  EXPECT_EQ(event.queue, '1');
  EXPECT_EQ(event.location, "[001] (web1) 10.0.0.5->/var/log/secure");
  EXPECT_EQ(event.agent_id, "001");
  EXPECT_EQ(event.agent_name, "web1");
  EXPECT_EQ(event.agent_ip, "10.0.0.5");
  ASSERT_TRUE(predecode(event, {"mgr"}).ok());
  EXPECT_EQ(event.location, "(web1) 10.0.0.5->/var/log/secure");
  EXPECT_EQ(event.hostname.get(), "web1");
  EXPECT_EQ(event.header_hostname.get(), "h");
  EXPECT_EQ(event.program_name.get(), "su");
  EXPECT_EQ(event.log(), "x");

  // The agent escaped its own location; the message may hold ':'.
  ASSERT_TRUE(parse_legacy_agent_message(kAgent, "f:EventChannel|:Security:{\"win\":{\"a\":1}}", event).ok());
  EXPECT_EQ(event.queue, 'f');
  EXPECT_EQ(event.location, "[001] (web1) any->EventChannel:Security");
  EXPECT_EQ(event.full_log, "{\"win\":{\"a\":1}}");
}

TEST(AnalysisEventSource, LegacyAgentMessageErrors) {
  Event event;
  const auto keepalive = parse_legacy_agent_message(kAgent, "1:keepalive:x", event);
  ASSERT_FALSE(keepalive.ok());
  EXPECT_EQ(keepalive.error().kind, core::ErrorKind::not_found);
  EXPECT_FALSE(parse_legacy_agent_message(kAgent, "1", event).ok());
  EXPECT_FALSE(parse_legacy_agent_message(kAgent, "1/x:y", event).ok());
  EXPECT_FALSE(parse_legacy_agent_message(kAgent, "1:no-colon", event).ok());
}

TEST(AnalysisEventSource, LegacyEventLine) {
  Event event;
  const std::string line =
      R"({"agent_id":"001","agent_name":"web1","queue":"1","location":"[001] (web1) any->/var/log/auth.log",)"
      R"("message":"Dec 29 10:00:01 web1 sshd[9]: Failed password"})";
  ASSERT_TRUE(parse_legacy_event_line(line, event).ok());
  EXPECT_EQ(event.queue, '1');
  EXPECT_EQ(event.agent_id, "001");
  EXPECT_EQ(event.agent_name, "web1");
  EXPECT_EQ(event.location, "[001] (web1) any->/var/log/auth.log");
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.agent_ip, "any");
  EXPECT_EQ(event.program_name.get(), "sshd");
  EXPECT_EQ(event.log(), "Failed password");

  // The session relabels with escapes (an IPv6 key address); they are undone.
  const std::string escaped =
      R"({"agent_id":"002","agent_name":"db","queue":"1","location":"[002] (db) fe80|:|:2->/x","message":"m"})";
  ASSERT_TRUE(parse_legacy_event_line(escaped, event).ok());
  EXPECT_EQ(event.location, "[002] (db) fe80::2->/x");
}

TEST(AnalysisEventSource, LegacyEventLineErrors) {
  Event event;
  EXPECT_FALSE(parse_legacy_event_line("", event).ok());
  EXPECT_FALSE(parse_legacy_event_line("[]", event).ok());
  EXPECT_FALSE(parse_legacy_event_line("{", event).ok());
  EXPECT_FALSE(
      parse_legacy_event_line(R"({"agent_id":"001","agent_name":"a","queue":"1","location":"l"})", event).ok());
  EXPECT_FALSE(
      parse_legacy_event_line(R"({"agent_id":"001","agent_name":"a","queue":"12","location":"l","message":"m"})", event)
          .ok());
  EXPECT_FALSE(
      parse_legacy_event_line(R"({"agent_id":1,"agent_name":"a","queue":"1","location":"l","message":"m"})", event)
          .ok());
}

TEST(AnalysisEventSource, StatelessAgentAndEvent) {
  const auto agent = parse_stateless_agent(
      R"({"agent":{"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","name":"web1","groups":["g"],"type":"Endpoint",)"
      R"("version":"6.0.0","host":{"hostname":"web1","ip":["10.0.0.5","fe80::1"]}}})");
  ASSERT_TRUE(agent.ok());
  EXPECT_EQ(agent->id, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
  EXPECT_EQ(agent->name, "web1");
  EXPECT_EQ(agent->ip, "10.0.0.5");

  Event event;
  ASSERT_TRUE(parse_stateless_event(*agent, R"({"module":"logcollector","collector":"file"})",
                                    R"({"log":{"file":{"path":"/var/log/auth.log"}},)"
                                    R"("event":{"original":"Dec 29 10:00:01 web1 sshd[3]: Accepted","created":"x"}})",
                                    event)
                  .ok());
  EXPECT_EQ(event.queue, '1');
  EXPECT_EQ(event.location, "[d5b250c4-dfa1-4d94-827f-9f99210dbe6c] (web1) 10.0.0.5->/var/log/auth.log");
  EXPECT_EQ(event.full_log, "Dec 29 10:00:01 web1 sshd[3]: Accepted");
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.agent_id, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
  EXPECT_EQ(event.location, "(web1) 10.0.0.5->/var/log/auth.log");
  EXPECT_EQ(event.hostname.get(), "web1");
  EXPECT_EQ(event.program_name.get(), "sshd");
  EXPECT_EQ(event.log(), "Accepted");
}

TEST(AnalysisEventSource, StatelessLocationFallsBackToTheCollectorThenTheModule) {
  const AgentIdentity agent{"u1", "n", "any"};
  Event event;
  ASSERT_TRUE(parse_stateless_event(agent, R"({"module":"logcollector","collector":"journald"})",
                                    R"({"event":{"original":"x"}})", event)
                  .ok());
  EXPECT_EQ(event.location, "[u1] (n) any->journald");
  ASSERT_TRUE(parse_stateless_event(agent, R"({"module":"m"})", R"({"event":{"original":"x"}})", event).ok());
  EXPECT_EQ(event.location, "[u1] (n) any->m");
  ASSERT_TRUE(parse_stateless_event(agent, R"({})", R"({"event":{"original":"x"}})", event).ok());
  EXPECT_EQ(event.location, "[u1] (n) any->");
}

TEST(AnalysisEventSource, StatelessErrors) {
  EXPECT_FALSE(parse_stateless_agent("").ok());
  EXPECT_FALSE(parse_stateless_agent(R"({"agent":{"name":"n"}})").ok());
  EXPECT_FALSE(parse_stateless_agent(R"({"agent":{"id":"","name":"n"}})").ok());
  EXPECT_FALSE(parse_stateless_agent(R"({"agent":{"id":"i"}})").ok());
  EXPECT_FALSE(parse_stateless_agent(R"({"agent":"x"})").ok());
  // No host, or no usable ip: "any".
  const auto no_host = parse_stateless_agent(R"({"agent":{"id":"i","name":"n"}})");
  ASSERT_TRUE(no_host.ok());
  EXPECT_EQ(no_host->ip, "any");
  const auto single_ip = parse_stateless_agent(R"({"agent":{"id":"i","name":"n","host":{"ip":"1.2.3.4"}}})");
  ASSERT_TRUE(single_ip.ok());
  EXPECT_EQ(single_ip->ip, "1.2.3.4");
  const auto empty_ips = parse_stateless_agent(R"({"agent":{"id":"i","name":"n","host":{"ip":[]}}})");
  ASSERT_TRUE(empty_ips.ok());
  EXPECT_EQ(empty_ips->ip, "any");

  Event event;
  EXPECT_FALSE(parse_stateless_event(kAgent, "not json", R"({"event":{"original":"x"}})", event).ok());
  EXPECT_FALSE(parse_stateless_event(kAgent, "[]", R"({"event":{"original":"x"}})", event).ok());
  EXPECT_FALSE(parse_stateless_event(kAgent, "{}", R"({"event":{}})", event).ok());
  EXPECT_FALSE(parse_stateless_event(kAgent, "{}", R"({"event":{"original":1}})", event).ok());
  EXPECT_FALSE(parse_stateless_event(kAgent, "{}", "{", event).ok());
}

TEST(AnalysisEventSource, LogtestRequest) {
  Event event;
  ASSERT_TRUE(
      parse_logtest_request(
          R"({"event":"Dec 29 10:00:01 web1 sshd[3]: Accepted","log_format":"syslog","location":"stdin"})", event)
          .ok());
  EXPECT_EQ(event.queue, '1');
  EXPECT_EQ(event.location, "stdin");
  EXPECT_EQ(event.full_log, "Dec 29 10:00:01 web1 sshd[3]: Accepted");
  ASSERT_TRUE(predecode(event, {"mgr"}).ok());
  EXPECT_EQ(event.agent_id, "000");
  EXPECT_EQ(event.hostname.get(), "web1");

  // The socket's form, and an event given as an object (its compact JSON is the log).
  ASSERT_TRUE(parse_logtest_request(
                  R"({"version":1,"command":"log_processing","parameters":{"token":"abc","event":{"a": 1, "b":"x"},)"
                  R"("log_format":"json","location":"master->/var/log/x"}})",
                  event)
                  .ok());
  EXPECT_EQ(event.full_log, R"({"a":1,"b":"x"})");
  EXPECT_EQ(event.location, "master->/var/log/x");
  ASSERT_TRUE(predecode(event).ok());
  EXPECT_EQ(event.log(), R"({"a":1,"b":"x"})");
}

TEST(AnalysisEventSource, LogtestErrors) {
  Event event;
  EXPECT_FALSE(parse_logtest_request("", event).ok());
  EXPECT_FALSE(parse_logtest_request("[]", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":"x","log_format":"syslog"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":"x","log_format":"syslog","location":""})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":"x","location":"l"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":"x","log_format":"","location":"l"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"log_format":"s","location":"l"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":"","log_format":"s","location":"l"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":{},"log_format":"s","location":"l"})", event).ok());
  EXPECT_FALSE(parse_logtest_request(R"({"event":7,"log_format":"s","location":"l"})", event).ok());
  const auto status = parse_logtest_request(R"({"event":"x","log_format":"s","location":5})", event);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("location"), std::string::npos);
}

TEST(AnalysisEventSource, EveryParserResetsTheEvent) {
  Event event;
  event.set_field("srcip", "1.2.3.4");
  event.append_field("x", "y");
  event.decoder_name = "old";
  ASSERT_TRUE(parse_queue_message("1:l:m", event).ok());
  EXPECT_EQ(event.field("srcip"), std::nullopt);
  EXPECT_TRUE(event.dynamic_fields().empty());
  EXPECT_TRUE(event.decoder_name.empty());
  EXPECT_TRUE(event.agent_name.empty());
}

}  // namespace
}  // namespace herald::analysis
