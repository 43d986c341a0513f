#include "legacy/wire/manager_messages.h"

#include <gtest/gtest.h>

#include "legacy/wire/crypto.h"

namespace herald::legacy::wire {
namespace {

TEST(LegacyWireManagerMessages, HandshakeError) {
  EXPECT_EQ(handshake_error("Agent version must be lower or equal to manager version"),
            "#!-err {\"message\":\"Agent version must be lower or equal to manager version\"}");
  EXPECT_EQ(handshake_error("a\"b"), "#!-err {\"message\":\"a\\\"b\"}");
}

TEST(LegacyWireManagerMessages, ExecdMessage) {
  EXPECT_EQ(execd_message("node01", "wazuh-analysisd", "firewall-drop0", {"-", "1.2.3.4"}, "{\"rule\":{\"id\":\"5710\"}}"),
            "#!-execd {\"version\":1,\"origin\":{\"name\":\"node01\",\"module\":\"wazuh-analysisd\"},\"command\":"
            "\"firewall-drop0\",\"parameters\":{\"extra_args\":[\"-\",\"1.2.3.4\"],\"alert\":{\"rule\":{\"id\":"
            "\"5710\"}}}}");
  EXPECT_EQ(execd_message("", "API", "restart-wazuh0", {}),
            "#!-execd {\"version\":1,\"origin\":{\"name\":\"\",\"module\":\"API\"},\"command\":\"restart-wazuh0\","
            "\"parameters\":{\"extra_args\":[],\"alert\":{}}}");
  EXPECT_NE(execd_message("n", "m", "c", {}, "[1]").find("\"alert\":{}"), std::string::npos);
}

TEST(LegacyWireManagerMessages, RestartMessage) {
  const std::string json_form =
      "#!-execd {\"version\": 1, \"origin\": {\"module\": \"framework\"}, \"command\": \"restart-wazuh0\", "
      "\"parameters\": {\"extra_args\": [], \"alert\": {}}} - null (from_the_server) (no_rule_id)";
  EXPECT_EQ(restart_message("v4.12.0", "node01"), json_form);
  EXPECT_EQ(restart_message("v4.2.0", "node01"), json_form);
  EXPECT_EQ(restart_message("", "node01"), json_form);
  EXPECT_EQ(restart_message("Wazuh v4.1.5", "node01"), "#!-execd restart-ossec0 - null (from_the_server) (no_rule_id)");
  EXPECT_EQ(restart_message("v3.13.2", ""), "#!-execd restart-ossec0 - null (from_the_server) (no_rule_id)");
}

TEST(LegacyWireManagerMessages, RequestMessage) {
  EXPECT_EQ(request_message("1a2b3c4d", "agent", "getconfig client"), "#!-req 1a2b3c4d agent getconfig client");
}

TEST(LegacyWireManagerMessages, FilePushInChunksOf900) {
  const std::string content(2000, 'z');
  auto messages = file_push_messages("merged.mg", content);
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_EQ(messages[0], "#!-up file " + md5_hex(content) + " merged.mg\n");
  EXPECT_EQ(messages[1].size(), 900u);
  EXPECT_EQ(messages[2].size(), 900u);
  EXPECT_EQ(messages[3].size(), 200u);
  EXPECT_EQ(messages[4], "#!-close file ");
  auto empty = file_push_messages("merged.mg", "");
  ASSERT_EQ(empty.size(), 2u);
  EXPECT_EQ(empty[0], "#!-up file d41d8cd98f00b204e9800998ecf8427e merged.mg\n");
}

TEST(LegacyWireManagerMessages, MergedFileOfOneGroup) {
  GroupFiles group{"default", {{"agent.conf", "<agent_config/>\n"}, {"ar.conf", "restart-ossec0 - restart.sh - 0\n"},
                               {".hidden", "x"}, {"merged.mg", "old"}, {"b.txt", ""}}};
  EXPECT_EQ(merged_file({group}),
            "#default\n!32 ar.conf\nrestart-ossec0 - restart.sh - 0\n!16 agent.conf\n<agent_config/>\n!0 b.txt\n");
  EXPECT_EQ(merged_file({}), "");
}

TEST(LegacyWireManagerMessages, MergedFileOfAMultigroup) {
  GroupFiles first{"web", {{"agent.conf", "<a/>\n"}, {"common.txt", "from web"}}};
  GroupFiles second{"db", {{"agent.conf", "<b/>\n"}, {"common.txt", "from db"}, {"only-db", "1"}}};
  const std::string agent_conf = "<!-- Source file: web/agent.conf -->\n<a/>\n<!-- Source file: db/agent.conf -->\n<b/>\n";
  EXPECT_EQ(merged_file({first, second}), "#" + sha256_hex("web,db").substr(0, 8) + "\n!" +
                                              std::to_string(agent_conf.size()) + " agent.conf\n" + agent_conf +
                                              "!7 common.txt\nfrom db!1 only-db\n1");
}

}  // namespace
}  // namespace herald::legacy::wire
