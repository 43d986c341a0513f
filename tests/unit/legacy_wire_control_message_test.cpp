#include "legacy/wire/control_message.h"

#include <gtest/gtest.h>

namespace herald::legacy::wire {
namespace {

using Kind = ControlMessage::Kind;

// §3.2: what the real 4.12.0 agent sent, before and after a pushed agent.conf.
constexpr std::string_view kKeepaliveBefore =
    "#!-Linux |vm |6.18.44-1 |#1 SMP PREEMPT_DYNAMIC |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)] - Wazuh "
    "v4.12.0\nx merged.mg\n#\"_agent_ip\":127.0.0.1\n";
constexpr std::string_view kKeepaliveAfter =
    "#!-Linux |vm |6.18.44-1 |#1 SMP PREEMPT_DYNAMIC |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)] - Wazuh "
    "v4.12.0 / d5ec0585d5ec0585d5ec0585d5ec0585\n\"env\":prod\n!\"hidden\":x\n0b68455e0b68455e0b68455e0b68455e "
    "merged.mg\n#\"_agent_ip\":127.0.0.1\n";

TEST(LegacyWireControl, IsControl) {
  EXPECT_TRUE(is_control("#!-agent ack "));
  EXPECT_FALSE(is_control("#!"));
  EXPECT_FALSE(is_control("1:x:y"));
}

TEST(LegacyWireControl, StartupForms) {
  auto old = parse_control("#!-agent startup ");
  EXPECT_EQ(old.kind, Kind::startup);
  EXPECT_EQ(old.startup_json, "");
  EXPECT_FALSE(old.startup_version);
  EXPECT_FALSE(old.startup_json_invalid);

  auto current = parse_control("#!-agent startup {\"version\":\"v4.12.0\"}");
  EXPECT_EQ(current.kind, Kind::startup);
  EXPECT_EQ(current.startup_json, "{\"version\":\"v4.12.0\"}");
  EXPECT_EQ(current.startup_version, "v4.12.0");
  EXPECT_FALSE(current.startup_json_invalid);

  // cJSON_Parse ignores what follows the value, and cJSON_GetObjectItem ignores case.
  EXPECT_EQ(parse_control("#!-agent startup {\"Version\":\"v4.9.0\"} tail").startup_version, "v4.9.0");

  auto no_version = parse_control("#!-agent startup {\"version\":4}");
  EXPECT_TRUE(no_version.startup_json_invalid);
  EXPECT_FALSE(no_version.startup_version);
  EXPECT_TRUE(parse_control("#!-agent startup {}").startup_json_invalid);

  // JSON that does not parse is treated as no JSON (save_controlmsg acks it unchecked).
  auto broken = parse_control("#!-agent startup {\"version\":");
  EXPECT_EQ(broken.kind, Kind::startup);
  EXPECT_FALSE(broken.startup_json_invalid);
  EXPECT_FALSE(broken.startup_version);

  EXPECT_EQ(parse_control("#!-agent startup").kind, Kind::unknown);  // HC_STARTUP has a trailing space
}

TEST(LegacyWireControl, Shutdown) {
  EXPECT_EQ(parse_control("#!-agent shutdown ").kind, Kind::shutdown);
  EXPECT_EQ(parse_control("#!-agent shutdown x").kind, Kind::unknown);
}

TEST(LegacyWireControl, RequestReply) {
  auto reply = parse_control("#!-req 1a2b3c4d ok {\"client\":{\"notify_time\":5}}");
  EXPECT_EQ(reply.kind, Kind::request_reply);
  EXPECT_EQ(reply.request_counter, "1a2b3c4d");
  EXPECT_EQ(reply.request_response, "ok {\"client\":{\"notify_time\":5}}");
  auto err = parse_control("#!-req ff err Cannot send request");
  EXPECT_EQ(err.request_response, "err Cannot send request");
  EXPECT_EQ(parse_control("#!-req 1a2b").kind, Kind::unknown);
}

TEST(LegacyWireControl, KeepaliveOfTheReal4120Agent) {
  auto before = parse_control(kKeepaliveBefore);
  ASSERT_EQ(before.kind, Kind::keepalive);
  const Keepalive& k = before.keepalive;
  EXPECT_EQ(k.uname,
            "Linux |vm |6.18.44-1 |#1 SMP PREEMPT_DYNAMIC |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)] - Wazuh "
            "v4.12.0");
  EXPECT_EQ(k.version, "v4.12.0");
  EXPECT_FALSE(k.config_sum);
  EXPECT_FALSE(k.merged_sum);
  EXPECT_EQ(k.agent_ip, "127.0.0.1");
  EXPECT_TRUE(k.labels.empty());
  EXPECT_EQ(k.os.os_name, "Debian GNU/Linux");
  EXPECT_EQ(k.os.os_platform, "debian");
  EXPECT_EQ(k.os.os_version, "12");
  EXPECT_EQ(k.os.os_codename, "bookworm");
  EXPECT_EQ(k.os.os_major, "12");
  EXPECT_EQ(k.os.os_minor, "");
  EXPECT_EQ(k.os.os_arch, "x86_64");
  EXPECT_EQ(k.os.hostname, "vm");
  EXPECT_EQ(k.os.os_uname, "Linux |vm |6.18.44-1 |#1 SMP PREEMPT_DYNAMIC |x86_64 [Debian GNU/Linux|debian: 12 (bookworm)]");

  auto after = parse_control(kKeepaliveAfter);
  ASSERT_EQ(after.kind, Kind::keepalive);
  EXPECT_EQ(after.keepalive.version, "v4.12.0");
  EXPECT_EQ(after.keepalive.config_sum, "d5ec0585d5ec0585d5ec0585d5ec0585");
  EXPECT_EQ(after.keepalive.merged_sum, "0b68455e0b68455e0b68455e0b68455e");
  EXPECT_EQ(after.keepalive.labels, (std::vector<std::string>{"\"env\":prod", "!\"hidden\":x"}));
  EXPECT_EQ(after.keepalive.uname.find(" / "), std::string::npos);
}

TEST(LegacyWireControl, KeepaliveIsCutAfterItsLastNewline) {
  auto message = parse_control("#!-Linux |h |r |v |aarch64 - Wazuh v4.3.0\nabc merged.mg\nrandom tail");
  ASSERT_EQ(message.kind, Kind::keepalive);
  EXPECT_EQ(message.keepalive.merged_sum, "abc");
  EXPECT_EQ(message.keepalive.version, "v4.3.0");
  EXPECT_EQ(message.keepalive.os.os_arch, "aarch64");
  // No newline at all: save_controlmsg drops it as invalid.
  EXPECT_EQ(parse_control("#!-Linux |h |r |v |x86_64 - Wazuh v4.3.0").kind, Kind::unknown);
  EXPECT_EQ(parse_control("#!-\n").kind, Kind::keepalive);
}

TEST(LegacyWireControl, UnameForms) {
  auto windows = parse_uname("Microsoft Windows 10 Pro [Ver: 10.0.19045.2965] - Wazuh v4.12.0");
  EXPECT_EQ(windows.os_name, "Microsoft Windows 10 Pro");
  EXPECT_EQ(windows.os_version, "10.0.19045.2965");
  EXPECT_EQ(windows.os_major, "10");
  EXPECT_EQ(windows.os_minor, "0");
  EXPECT_EQ(windows.os_build, "19045.2965");
  EXPECT_EQ(windows.os_platform, "windows");
  EXPECT_EQ(windows.os_arch, "");  // parse_uname_string sets no arch for Windows
  EXPECT_EQ(windows.os_uname, "Microsoft Windows 10 Pro [Ver: 10.0.19045.2965]");

  auto fallback = parse_uname("Linux myhost 5.10.0 #1 SMP x86_64");
  EXPECT_EQ(fallback.os_name, "");
  EXPECT_EQ(fallback.os_arch, "x86_64");
  EXPECT_EQ(fallback.hostname, "myhost");

  auto centos = parse_uname("Linux |c7 |3.10.0 |#1 SMP |x86_64 [CentOS Linux|centos: 7.9.2009 (Core)]");
  EXPECT_EQ(centos.os_name, "CentOS Linux");
  EXPECT_EQ(centos.os_version, "7.9.2009");
  EXPECT_EQ(centos.os_codename, "Core");
  EXPECT_EQ(centos.os_major, "7");
  EXPECT_EQ(centos.os_minor, "9");

  auto no_version = parse_uname("Darwin |mac |22.1.0 |Darwin Kernel |arm64 [macOS|darwin]");
  EXPECT_EQ(no_version.os_name, "macOS");
  EXPECT_EQ(no_version.os_platform, "darwin");
  EXPECT_EQ(no_version.os_arch, "arm64");

  auto empty = parse_uname("");
  EXPECT_EQ(empty.os_name, "");
  EXPECT_EQ(parse_uname("x [Ver: ]").os_version, "");
}

TEST(LegacyWireControl, EventLines) {
  auto event = parse_event("1:/var/log/syslog:Jan 1 00:00:00 host sshd: hello");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->queue, '1');
  EXPECT_EQ(event->location, "/var/log/syslog");
  EXPECT_EQ(event->message, "Jan 1 00:00:00 host sshd: hello");
  auto started = parse_event("1:wazuh-agent:ossec: Agent started: 'real-c-agent-1->any'.");
  ASSERT_TRUE(started);
  EXPECT_EQ(started->location, "wazuh-agent");
  EXPECT_EQ(started->message, "ossec: Agent started: 'real-c-agent-1->any'.");
  auto escaped = parse_event("f:C|:\\Windows||x:message");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->queue, 'f');
  EXPECT_EQ(escaped->location, "C|:\\Windows||x");
  EXPECT_EQ(escaped->message, "message");
  EXPECT_EQ(parse_event("5:syscollector:")->message, "");
  EXPECT_FALSE(parse_event(""));
  EXPECT_FALSE(parse_event("1"));
  EXPECT_FALSE(parse_event("1x"));
  EXPECT_FALSE(parse_event("1:no-terminator"));
  EXPECT_FALSE(parse_event("1:ends-escaped|:"));
}

TEST(LegacyWireControl, RelabelledLocationEscapesTheSource) {
  EXPECT_EQ(relabelled_location("001", "agent1", "any", "/var/log/syslog"), "[001] (agent1) any->/var/log/syslog");
  EXPECT_EQ(relabelled_location("002", "a|b", "fe80::1", "x"), "[002] (a||b) fe80|:|:1->x");
}

}  // namespace
}  // namespace herald::legacy::wire
