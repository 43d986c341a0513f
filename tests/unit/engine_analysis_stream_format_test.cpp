// The analysis stream's wire form and partitioning (issue 16 part 8): what one node publishes
// another decodes to the same input; anything else is refused with a reason, never a throw;
// an agent's partition is stable across nodes and builds.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "app/config.h"
#include "engine/analysis_stream_format.h"

namespace herald::engine {
namespace {

AnalysisInput sample() {
  AnalysisInput input;
  input.kind = AnalysisInput::Kind::message;
  input.agent_id = "001";
  input.agent_name = "web1";
  input.agent_ip = "192.0.2.10";
  input.queue = '1';
  input.location = "/var/log/auth.log";
  input.message = "Dec  7 10:00:00 web1 sshd[1]: Failed password for root from 203.0.113.50 port 1 ssh2";
  return input;
}

TEST(AnalysisStreamFormat, AnInputSurvivesTheRoundTrip) {
  auto input = sample();
  auto decoded = decode_analysis_input(encode_analysis_input(input));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->kind, AnalysisInput::Kind::message);
  EXPECT_EQ(decoded->agent_id, "001");
  EXPECT_EQ(decoded->agent_name, "web1");
  EXPECT_EQ(decoded->agent_ip, "192.0.2.10");
  EXPECT_EQ(decoded->queue, '1');
  EXPECT_EQ(decoded->location, input.location);
  EXPECT_EQ(decoded->message, input.message);
}

TEST(AnalysisStreamFormat, AStatelessBodyWithNewlinesAndBinaryBytesSurvivesToo) {
  auto input = sample();
  input.kind = AnalysisInput::Kind::stateless_body;
  input.agent_id = "0b4c8f1e-1111-4222-8333-444455556666";
  input.queue = 'x';
  input.message = "{\"agent\":{}}\n{\"module\":\"logcollector\"}\n\"quoted\" \\ back\tslash";
  auto decoded = decode_analysis_input(encode_analysis_input(input));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->kind, AnalysisInput::Kind::stateless_body);
  EXPECT_EQ(decoded->message, input.message);
  EXPECT_EQ(decoded->queue, 'x');
}

TEST(AnalysisStreamFormat, BadMessagesAreRefusedWithAReason) {
  const auto good = encode_analysis_input(sample());
  auto with = [&](const std::string& from, const std::string& to) {
    auto text = good;
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"", "not JSON"},
      {"not json at all", "not JSON"},
      {good.substr(0, good.size() / 2), "not JSON"},
      {"[1,2,3]", "not a JSON object"},
      {"\"a string\"", "not a JSON object"},
      {with("\"v\":1", "\"v\":2"), "field v"},
      {with("\"v\":1,", ""), "field v"},
      {with("\"kind\":\"message\"", "\"kind\":\"other\""), "unknown kind"},
      {with("\"agent_id\":\"001\"", "\"agent_id\":\"\""), "agent_id is empty"},
      {with("\"agent_id\":\"001\"", "\"agent_id\":1"), "agent_id is not a string"},
      {with("\"agent_name\":\"web1\",", ""), "missing field agent_name"},
      {with("\"queue\":\"1\"", "\"queue\":\"12\""), "queue is not one character"},
      {with("\"queue\":\"1\"", "\"queue\":\"\""), "queue is not one character"},
      {with("\"message\":\"", "\"message\":null,\"x\":\""), "message is not a string"},
  };
  for (const auto& [data, reason] : cases) {
    auto decoded = decode_analysis_input(data);
    ASSERT_FALSE(decoded.ok()) << data;
    EXPECT_EQ(decoded.error().kind, core::ErrorKind::invalid_argument);
    EXPECT_NE(decoded.error().message.find(reason), std::string::npos) << data << " -> " << decoded.error().message;
  }
}

TEST(AnalysisStreamFormat, RandomBytesNeverThrow) {
  std::uint32_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    std::string data;
    const auto length = (state = state * 1103515245u + 12345u) % 64;
    for (std::uint32_t j = 0; j < length; ++j)
      data.push_back(static_cast<char>((state = state * 1103515245u + 12345u) >> 16));
    if (i % 2 == 0) data = "{\"v\":1," + data;  // past the first checks more often
    EXPECT_NO_THROW((void)decode_analysis_input(data));
  }
}

TEST(AnalysisStreamPartition, IsStableAndInRange) {
  // FNV-1a 32 of "001" is 0xe4cb3934 (fixed: every node of every build must agree).
  EXPECT_EQ(analysis_partition("001", 0xffffffffu), 0xe4cb3934u % 0xffffffffu);
  EXPECT_EQ(analysis_partition("", 16), 2166136261u % 16);
  for (std::uint32_t partitions : {1u, 2u, 16u, 1024u}) {
    for (int i = 0; i < 1000; ++i) {
      const auto id = std::to_string(i);
      const auto partition = analysis_partition(id, partitions);
      EXPECT_LT(partition, partitions);
      EXPECT_EQ(partition, analysis_partition(id, partitions));
    }
  }
  EXPECT_EQ(analysis_subject(7), "analysis.7");
}

TEST(AnalysisStreamPartition, SpreadsAgentsOverEveryPartition) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 500; ++i) seen.insert(analysis_partition("agent-" + std::to_string(i), 16));
  EXPECT_EQ(seen.size(), 16u);
}

TEST(AnalysisStreamConfig, DefaultsAreLocalWithSixteenPartitions) {
  auto config = app::parse_config("");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->analysis.mode, "local");
  EXPECT_EQ(config->analysis.stream, "HERALD_ANALYSIS");
  EXPECT_EQ(config->analysis.partitions, 16);
  EXPECT_TRUE(config->analysis.jetstream_partitions_all);
  EXPECT_EQ(config->analysis.stream_max_age_seconds, 7 * 86400);
  EXPECT_EQ(config->analysis.stream_max_bytes, 1LL << 30);
  EXPECT_EQ(config->analysis.stream_ack_wait_seconds, 30);
}

TEST(AnalysisStreamConfig, JetStreamModeWithItsKeys) {
  auto config = app::parse_config(
      "nats: {enabled: yes}\nanalysis: {mode: jetstream, stream: AN, partitions: 4, jetstream_partitions: [0, 3], "
      "stream_max_age: 2d, stream_max_bytes: 10485760, stream_ack_wait: 5s}\n");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->analysis.mode, "jetstream");
  EXPECT_EQ(config->analysis.stream, "AN");
  EXPECT_EQ(config->analysis.partitions, 4);
  EXPECT_FALSE(config->analysis.jetstream_partitions_all);
  EXPECT_EQ(config->analysis.jetstream_partitions, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(config->analysis.stream_max_age_seconds, 2 * 86400);
  EXPECT_EQ(config->analysis.stream_max_bytes, 10485760);
  EXPECT_EQ(config->analysis.stream_ack_wait_seconds, 5);
  auto none = app::parse_config("nats: {enabled: yes}\nanalysis: {mode: jetstream, jetstream_partitions: []}\n");
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_FALSE(none->analysis.jetstream_partitions_all);
  EXPECT_TRUE(none->analysis.jetstream_partitions.empty());
}

TEST(AnalysisStreamConfig, ErrorsNameTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {"analysis: {mode: jetstream}\n", "analysis.mode jetstream needs the NATS bus"},
      {"nats: {enabled: no}\nanalysis: {mode: jetstream}\n", "needs the NATS bus"},
      {"analysis: {mode: remote}\n", "analysis.mode must be local or jetstream"},
      {"analysis: {partitions: 0}\n", "analysis.partitions"},
      {"analysis: {partitions: 4, jetstream_partitions: [4]}\n", "analysis.jetstream_partitions[0]"},
      {"analysis: {jetstream_partitions: 3}\n", "analysis.jetstream_partitions must be a list"},
      {"analysis: {stream: \"a.b\"}\n", "analysis.stream"},
      {"analysis: {stream_max_age: soon}\n", "analysis.stream_max_age"},
      {"analysis: {stream_max_bytes: 10}\n", "analysis.stream_max_bytes"},
      {"analysis: {stream_ack_wait: 0s}\n", "analysis.stream_ack_wait"},
      {"nats: {stream: S}\nanalysis: {stream: S}\n", "analysis.stream must differ from nats.stream"},
  };
  for (const auto& [yaml, expected] : cases) {
    auto config = app::parse_config(yaml);
    ASSERT_FALSE(config.ok()) << yaml;
    EXPECT_NE(config.error().message.find(expected), std::string::npos) << yaml << " -> " << config.error().message;
  }
}

}  // namespace
}  // namespace herald::engine
