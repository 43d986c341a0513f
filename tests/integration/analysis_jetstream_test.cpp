// Analysis scale-out on NATS JetStream (issue 16 part 8): node A receives an HTTP agent's events
// and publishes them to the analysis stream (it consumes no partition); node B consumes every
// partition and raises the alerts. The brute-force frequency rule fires once, on the 8th event,
// across the stream; events published while B was down are analysed when it comes back; a
// malformed message is counted and skipped; an input a node took and never acked goes to the
// next consumer; with JetStream gone, A analyses what it receives.
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "engine/analysis_stream_format.h"
#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/nats_server.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

std::string stateless_body(const TestAgent& agent, const std::string& log) {
  return logcollector_body(agent, {log});
}

std::string failed_password(int port) {
  return "Dec  7 10:00:00 web1 sshd[4100]: Failed password for root from 203.0.113.50 port " + std::to_string(port) +
         " ssh2";
}

std::vector<json::object> alerts_of(const HeralddProcess& node, const std::string& rule_id) {
  std::vector<json::object> out;
  std::ifstream in(node.data_dir() / "alerts" / "alerts.json");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto alert = json::parse(line).as_object();
    if (rule_id.empty() || alert.at("rule").at("id").as_string() == rule_id) out.push_back(std::move(alert));
  }
  return out;
}

double metric(const HeralddProcess& node, const std::string& name) {
  return metric_value(node.management_url(), name);
}

class AnalysisJetStream : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::installed()) GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it)";
    nats_.start();
    const std::string nats = "nats: {enabled: yes, url: \"" + nats_.url() + "\"}\n";
    // Herald's own events stay out: the suites count exactly the agent's alerts.
    receiver_.set_config_yaml("node: {name: node-a}\n" + nats +
                              "analysis: {herald_events: false, mode: jetstream, jetstream_partitions: []}\n");
    analyser_.set_config_yaml("node: {name: node-b}\n" + nats +
                              "analysis: {herald_events: false, mode: jetstream, stream_ack_wait: 2s}\n");
    receiver_.start();
    analyser_.start();
    admin_ = std::make_unique<HttpClient>(receiver_.admin_client());
    auto key = auth::random_alnum(32);
    auto id = random_uuid_v4();
    ASSERT_EQ(admin_->post("/agents", enrollment_body(id, "web1", key)).status, 201u);
    agent_ = std::make_unique<TestAgent>(receiver_.comms_url(), id, key, "web1");
    ASSERT_EQ(agent_->authenticate().status, 200u);
  }
  void TearDown() override {
    if (HasFailure()) {
      std::cerr << "node-a output:\n" << receiver_.output() << "\nnode-b output:\n" << analyser_.output() << std::endl;
    }
  }

  void send_failure(int port) {
    ASSERT_EQ(agent_->send_stateless(stateless_body(*agent_, failed_password(port))).status, 204u);
  }

  NatsServer nats_;
  HeralddProcess receiver_;  // node A
  HeralddProcess analyser_;  // node B
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<TestAgent> agent_;
};

TEST_F(AnalysisJetStream, AnEventReceivedOnOneNodeIsAnalysedOnAnother) {
  send_failure(40000);
  ASSERT_TRUE(eventually([&] { return alerts_of(analyser_, "200201").size() == 1; }));
  const auto alert = alerts_of(analyser_, "200201")[0];
  EXPECT_EQ(alert.at("agent").at("id").as_string(), agent_->id());
  EXPECT_EQ(alert.at("agent").at("name").as_string(), "web1");
  EXPECT_EQ(alert.at("manager").at("name").as_string(), "node-b");
  EXPECT_EQ(alert.at("full_log").as_string(), failed_password(40000));
  EXPECT_NE(std::string(alert.at("location").as_string()).find("/var/log/auth.log"), std::string::npos);

  EXPECT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 1.0; }));
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_published_total"), 1.0);
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_publish_failures_total"), 0.0);
  EXPECT_EQ(metric(receiver_, "herald_analysis_events_total"), 0.0);  // A analyses nothing itself
  EXPECT_EQ(metric(analyser_, "herald_analysis_stream_consumed_total"), 1.0);
  EXPECT_EQ(metric(analyser_, "herald_analysis_stream_redelivered_total"), 0.0);
  EXPECT_EQ(metric(analyser_, "herald_analysis_events_total"), 1.0);
  EXPECT_TRUE(alerts_of(receiver_, "").empty());
}

TEST_F(AnalysisJetStream, TheBruteForceRuleFiresOnceOnTheEighthEventAcrossTheStream) {
  for (int i = 0; i < 7; ++i) send_failure(41000 + i);
  ASSERT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 7.0; }));
  EXPECT_EQ(alerts_of(analyser_, "200201").size(), 7u);
  EXPECT_TRUE(alerts_of(analyser_, "200220").empty()) << "fired before the 8th failure";

  send_failure(41007);
  ASSERT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 8.0; }));
  ASSERT_EQ(alerts_of(analyser_, "200220").size(), 1u);
  EXPECT_EQ(alerts_of(analyser_, "200220")[0].at("rule").at("level").as_int64(), 10);
  EXPECT_EQ(alerts_of(analyser_, "200201").size(), 7u);  // the 8th event's alert is the brute-force one
  EXPECT_TRUE(alerts_of(receiver_, "").empty());
}

TEST_F(AnalysisJetStream, EventsPublishedWhileTheConsumerNodeWasDownAreAnalysedWhenItComesBack) {
  ASSERT_EQ(analyser_.stop(), 0);
  for (int i = 0; i < 8; ++i) send_failure(42000 + i);
  ASSERT_TRUE(eventually([&] { return metric(receiver_, "herald_analysis_stream_published_total") == 8.0; }));
  EXPECT_TRUE(alerts_of(analyser_, "").empty());

  analyser_.start();
  ASSERT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 8.0; }));
  EXPECT_EQ(alerts_of(analyser_, "200201").size(), 7u);
  EXPECT_EQ(alerts_of(analyser_, "200220").size(), 1u) << "the 8 events were not analysed in one consumer, in order";
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_publish_failures_total"), 0.0);
  EXPECT_TRUE(alerts_of(receiver_, "").empty());
}

// A bare JetStream client plays a node that fetched the input from B's consumer and died before
// its ack.
TEST_F(AnalysisJetStream, AnInputANodeTookAndNeverAckedIsDeliveredAgainToTheNextConsumer) {
  const auto partition = std::to_string(engine::analysis_partition(agent_->id(), 16));
  const std::string durable = "HERALD_ANALYSIS_p" + partition;
  const std::string subject = "wazuh.analysis." + partition;
  natsConnection* connection = nullptr;
  jsCtx* jetstream = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&connection, nats_.url().c_str()), NATS_OK);
  ASSERT_EQ(natsConnection_JetStream(&jetstream, connection, nullptr), NATS_OK);
  ASSERT_TRUE(eventually([&] {  // B made its consumers
    jsConsumerInfo* info = nullptr;
    const bool found =
        js_GetConsumerInfo(&info, jetstream, "HERALD_ANALYSIS", durable.c_str(), nullptr, nullptr) == NATS_OK;
    jsConsumerInfo_Destroy(info);
    return found;
  }));
  ASSERT_EQ(analyser_.stop(), 0);
  send_failure(45000);
  ASSERT_TRUE(eventually([&] { return metric(receiver_, "herald_analysis_stream_published_total") == 1.0; }));

  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = "HERALD_ANALYSIS";
  options.Consumer = durable.c_str();
  natsSubscription* subscription = nullptr;
  ASSERT_EQ(js_PullSubscribe(&subscription, jetstream, subject.c_str(), durable.c_str(), nullptr, &options, nullptr),
            NATS_OK);
  natsMsgList taken{nullptr, 0};
  ASSERT_EQ(natsSubscription_Fetch(&taken, subscription, 1, 5000, nullptr), NATS_OK);
  EXPECT_EQ(taken.Count, 1);
  natsMsgList_Destroy(&taken);  // never acked
  natsSubscription_Destroy(subscription);
  jsCtx_Destroy(jetstream);
  natsConnection_Destroy(connection);

  analyser_.start();
  ASSERT_TRUE(eventually([&] { return alerts_of(analyser_, "200201").size() == 1; }));
  EXPECT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 1.0; }));
  EXPECT_EQ(metric(analyser_, "herald_analysis_stream_redelivered_total"), 1.0);
  EXPECT_EQ(metric(analyser_, "herald_analysis_stream_consumed_total"), 1.0);
}

TEST_F(AnalysisJetStream, AMalformedMessageOnTheSubjectIsCountedAndSkipped) {
  natsConnection* connection = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&connection, nats_.url().c_str()), NATS_OK);
  // In the agent's own partition, ahead of its next event: the consumer must step over it.
  const auto subject = "wazuh." + engine::analysis_subject(engine::analysis_partition(agent_->id(), 16));
  ASSERT_EQ(natsConnection_PublishString(connection, subject.c_str(), "{not an analysis input"), NATS_OK);
  ASSERT_EQ(natsConnection_PublishString(connection, subject.c_str(), R"({"v":1,"kind":"message"})"), NATS_OK);
  ASSERT_EQ(natsConnection_Flush(connection), NATS_OK);
  natsConnection_Destroy(connection);

  ASSERT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_bad_messages_total") == 2.0; }));
  send_failure(43000);
  ASSERT_TRUE(eventually([&] { return alerts_of(analyser_, "200201").size() == 1; }));
  EXPECT_TRUE(eventually([&] { return metric(analyser_, "herald_analysis_stream_acked_total") == 3.0; }));
  EXPECT_EQ(metric(analyser_, "herald_analysis_stream_consumed_total"), 3.0);
  EXPECT_EQ(metric(analyser_, "herald_analysis_events_total"), 1.0);
  EXPECT_NE(analyser_.output().find("not an analysis input"), std::string::npos);
}

TEST_F(AnalysisJetStream, WithJetStreamGoneTheReceivingNodeAnalysesTheEventItself) {
  nats_.stop();
  ASSERT_TRUE(eventually([&] { return metric(receiver_, "herald_analysis_stream_connected") == 0.0; }));
  send_failure(44000);
  ASSERT_TRUE(eventually([&] { return alerts_of(receiver_, "200201").size() == 1; }));
  EXPECT_EQ(alerts_of(receiver_, "200201")[0].at("manager").at("name").as_string(), "node-a");
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_publish_failures_total"), 1.0);
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_published_total"), 0.0);
  EXPECT_NE(receiver_.output().find("analysing here instead"), std::string::npos);
}

TEST_F(AnalysisJetStream, BothNodesCarryOnAfterTheNatsServerRestarts) {
  send_failure(46000);
  ASSERT_TRUE(eventually([&] { return alerts_of(analyser_, "200201").size() == 1; }));
  nats_.stop();
  ASSERT_TRUE(eventually([&] {
    return metric(receiver_, "herald_analysis_stream_connected") == 0.0 &&
           metric(analyser_, "herald_analysis_stream_connected") == 0.0;
  }));
  nats_.start();  // same port, same store
  ASSERT_TRUE(eventually([&] {
    return metric(receiver_, "herald_analysis_stream_connected") == 1.0 &&
           metric(analyser_, "herald_analysis_stream_connected") == 1.0;
  }));
  send_failure(46001);
  ASSERT_TRUE(eventually([&] { return alerts_of(analyser_, "200201").size() == 2; }));
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_published_total"), 2.0);
  EXPECT_EQ(metric(receiver_, "herald_analysis_stream_publish_failures_total"), 0.0);
  EXPECT_TRUE(alerts_of(receiver_, "").empty());
}

TEST(AnalysisJetStreamConfig, JetStreamModeWithoutNatsStopsTheStartWithAClearError) {
  HeralddProcess node("analysis: {mode: jetstream}\n");
  std::string output;
  EXPECT_NE(node.run_expecting_exit(output), 0);
  EXPECT_NE(output.find("analysis.mode jetstream needs the NATS bus"), std::string::npos) << output;
}

}  // namespace
}  // namespace herald::test
