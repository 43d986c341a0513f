// herald logtest's text: wazuh-logtest's phases from one PUT /logtest answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "cli/logtest_format.h"

namespace herald::cli {
namespace {

namespace json = boost::json;

TEST(CliLogtestFormat, ShowsThePhasesAsWazuhLogtest) {
  auto data = json::parse(R"({
    "token":"0a1b2c3d",
    "output":{"timestamp":"2025-12-12T10:15:30.000000Z",
      "rule":{"level":5,"description":"sshd: authentication failed.","id":"200201","mitre":{"id":["T1110"]},
              "firedtimes":1,"mail":false,"groups":["syslog","sshd"],"gdpr":["IV_35.7.d"]},
      "agent":{"id":"000","name":"m"},"manager":{"name":"m"},"id":"1.0",
      "full_log":"Dec 12 10:15:30 srv01 sshd[2231]: Failed password for root",
      "predecoder":{"program_name":"sshd","timestamp":"Dec 12 10:15:30","hostname":"srv01"},
      "decoder":{"parent":"sshd","name":"herald-sshd"},
      "data":{"srcip":"203.0.113.7","dstuser":"root","win":{"system":{"eventID":"4625"}}},
      "location":"stdin"},
    "alert":true,"codemsg":0})")
                  .as_object();
  EXPECT_EQ(format_logtest_phases(data),
            "**Phase 1: Completed pre-decoding.\n"
            "\tfull event: 'Dec 12 10:15:30 srv01 sshd[2231]: Failed password for root'\n"
            "\ttimestamp: 'Dec 12 10:15:30'\n"
            "\thostname: 'srv01'\n"
            "\tprogram_name: 'sshd'\n"
            "\n"
            "**Phase 2: Completed decoding.\n"
            "\tname: 'herald-sshd'\n"
            "\tparent: 'sshd'\n"
            "\tdstuser: 'root'\n"
            "\tsrcip: '203.0.113.7'\n"
            "\twin.system.eventID: '4625'\n"
            "\n"
            "**Phase 3: Completed filtering (rules).\n"
            "\tid: '200201'\n"
            "\tlevel: '5'\n"
            "\tdescription: 'sshd: authentication failed.'\n"
            "\tgroups: '['syslog', 'sshd']'\n"
            "\tfiredtimes: '1'\n"
            "\tgdpr: '['IV_35.7.d']'\n"
            "\tmail: 'False'\n"
            "\tmitre.id: '['T1110']'\n"
            "**Alert to be generated.\n");
}

TEST(CliLogtestFormat, NoDecoderNoRuleNoAlert) {
  auto data = json::parse(R"({"messages":["WARNING: (7003): 'aaaaaaaa' token expires","INFO: (7202): x"],
    "token":"0a1b2c3d","output":{"full_log":"hello","decoder":{},"location":"stdin"},"alert":false,"codemsg":1})")
                  .as_object();
  EXPECT_EQ(format_logtest_phases(data),
            "** Wazuh-Logtest: WARNING: (7003): 'aaaaaaaa' token expires\n"
            "\n"
            "**Phase 1: Completed pre-decoding.\n"
            "\tfull event: 'hello'\n"
            "\n"
            "**Phase 2: Completed decoding.\n"
            "\tNo decoder matched.\n");
}

}  // namespace
}  // namespace herald::cli
