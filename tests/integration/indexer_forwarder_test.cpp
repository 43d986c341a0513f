// The indexer forwarder in heraldd (issue 17, part 3): alerts raised by events an HTTP agent sends
// arrive at a `_bulk` receiver the test starts on loopback, in the exact wire format of the Wazuh
// indexer (POST /_bulk, application/x-ndjson, basic auth, an index action line per document into
// wazuh-alerts-4.x-YYYY.MM.DD); an outage of the receiver loses nothing, a 429 is sent again, an
// item the indexer refuses is counted, and what was not acknowledged survives a restart.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/secrets.h"
#include "engine/bulk_body.h"
#include "support/agents.h"
#include "support/bulk_receiver.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/ports.h"
#include "support/temp_dir.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace json = boost::json;

constexpr const char* kIndexerPassword = "indexer-s3cret-Pw";

std::string failed_logins_body(const TestAgent& agent, const std::vector<int>& ports) {
  std::vector<std::string> logs;
  for (int port : ports) {
    logs.push_back("Dec  8 00:10:00 web1 sshd[4100]: Failed password for root from 203.0.113.50 port " +
                   std::to_string(port) + " ssh2");
  }
  return logcollector_body(agent, logs);
}

class IndexerForwarder : public ::testing::Test {
 protected:
  void SetUp() override {
    receiver_ = make_receiver();
    receiver_->start();
    server_.set_config_yaml(config_yaml());
    server_.start();
    admin_ = std::make_unique<HttpClient>(server_.admin_client());
    agent_ = new_agent("web1");
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "heraldd output:\n" << server_.output() << std::endl;
  }
  virtual std::unique_ptr<BulkReceiver> make_receiver() { return std::make_unique<BulkReceiver>(); }
  virtual std::string indexer_extra() { return ""; }
  virtual std::string hosts() { return "\"" + receiver_->url() + "\""; }
  std::string config_yaml() {
    return "analysis: {herald_events: false}\n"
           "alerts:\n"
           "  indexer:\n"
           "    hosts: [" +
           hosts() +
           "]\n"
           "    username: admin\n"
           "    password: \"" +
           std::string(kIndexerPassword) +
           "\"\n"
           "    flush_interval_ms: 20\n" +
           indexer_extra();
  }

  std::unique_ptr<TestAgent> new_agent(const std::string& name) {
    return enrolled_agent(*admin_, server_.comms_url(), name);
  }
  void raise_alerts(const std::vector<int>& ports) {
    ASSERT_EQ(agent_->send_stateless(failed_logins_body(*agent_, ports)).status, 204u);
  }

  // alerts.json, line by line: what every output got.
  std::vector<std::string> alert_lines() const {
    std::vector<std::string> out;
    std::ifstream in(server_.data_dir() / "alerts" / "alerts.json");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }
  double metric(const std::string& name) const { return metric_value(server_.management_url(), name); }

  static std::vector<std::string> sorted(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  std::unique_ptr<BulkReceiver> receiver_;
  HeralddProcess server_;
  std::unique_ptr<HttpClient> admin_;
  std::unique_ptr<TestAgent> agent_;
};

TEST_F(IndexerForwarder, AlertsArriveAsBulkDocumentsInTheWazuhIndexerFormat) {
  raise_alerts({40000, 40001, 40002});
  ASSERT_TRUE(eventually([&] { return alert_lines().size() == 3; }));
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 3; }));
  const auto lines = alert_lines();
  const auto documents = receiver_->indexed_documents();
  const auto actions = receiver_->indexed_actions();
  // Each document is the alert exactly as alerts.json has it.
  EXPECT_EQ(sorted(documents), sorted(lines));
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const auto alert = json::parse(documents[i]).as_object();
    const std::string id(alert.at("id").as_string());
    EXPECT_EQ(actions[i], R"({"index":{"_index":")" +
                              engine::index_name("wazuh-alerts-4.x-%Y.%m.%d", engine::alert_epoch_seconds(id)) +
                              "\"}}");
    EXPECT_EQ(alert.at("rule").at("id").as_string(), "200201");
  }

  const auto requests = receiver_->requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/_bulk");
    EXPECT_EQ(request.headers.at("content-type"), "application/x-ndjson");
    EXPECT_EQ(request.headers.at("authorization"),
              "Basic " + auth::base64_encode(std::string("admin:") + kIndexerPassword));
    EXPECT_TRUE(request.headers.contains("host"));
    EXPECT_EQ(request.headers.at("content-length"), std::to_string(request.body.size()));
    // NDJSON: action and document lines in pairs, the last one ended by a newline too.
    ASSERT_FALSE(request.body.empty());
    EXPECT_EQ(request.body.back(), '\n');
    EXPECT_EQ(std::count(request.body.begin(), request.body.end(), '\n') % 2, 0);
  }
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_alerts_sent_total") == 3.0; }));
  EXPECT_EQ(metric("herald_indexer_failed_requests_total"), 0.0);
  EXPECT_EQ(metric("herald_indexer_dropped_total"), 0.0);
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_buffer_bytes") == 0.0; }));
  EXPECT_EQ(server_.output().find(kIndexerPassword), std::string::npos) << "the indexer password was logged";
}

TEST_F(IndexerForwarder, AlertsRaisedWhileTheIndexerIsDownAllArriveWhenItComesBack) {
  receiver_->stop();
  raise_alerts({41000, 41001, 41002, 41003, 41004});
  ASSERT_TRUE(eventually([&] { return alert_lines().size() == 5; }));
  ASSERT_TRUE(eventually([&] { return metric("herald_indexer_failed_requests_total") >= 2.0; }));
  EXPECT_GT(metric("herald_indexer_buffer_bytes"), 0.0);
  EXPECT_TRUE(receiver_->indexed_documents().empty());

  receiver_->start();
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() >= 5; }, std::chrono::seconds(20)));
  // Nothing lost; and nothing twice, since the indexer never saw a request while it was down.
  EXPECT_EQ(sorted(receiver_->indexed_documents()), sorted(alert_lines()));
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_buffer_bytes") == 0.0; }));
  EXPECT_EQ(metric("herald_indexer_alerts_sent_total"), 5.0);
  EXPECT_EQ(metric("herald_indexer_dropped_total"), 0.0);
}

TEST_F(IndexerForwarder, ARequestAnswered429IsSentAgain) {
  receiver_->refuse_next_requests(2);
  raise_alerts({42000});
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 1; }));
  EXPECT_EQ(receiver_->indexed_documents(), alert_lines());
  EXPECT_EQ(receiver_->requests().size(), 3u);
  const auto requests = receiver_->requests();
  EXPECT_EQ(requests[0].body, requests[2].body);  // the same batch, byte for byte
  EXPECT_EQ(metric("herald_indexer_failed_requests_total"), 2.0);
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_alerts_sent_total") == 1.0; }));
}

TEST_F(IndexerForwarder, ItemsAnswered429AreSentAgainAndItems400AreCountedAsRejected) {
  receiver_->fail_items_once("port 43001", 429);
  raise_alerts({43000, 43001});
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 2; }));
  EXPECT_EQ(sorted(receiver_->indexed_documents()), sorted(alert_lines()));
  // The refused item went twice, the accepted one once: only the refused item is sent again.
  auto requests_holding = [&](const std::string& text) {
    int count = 0;
    for (const auto& request : receiver_->requests()) count += request.body.find(text) != std::string::npos;
    return count;
  };
  EXPECT_EQ(requests_holding("port 43001"), 2);
  EXPECT_EQ(requests_holding("port 43000"), 1);

  receiver_->fail_items_once("port 43002", 400);
  raise_alerts({43002, 43003});
  ASSERT_TRUE(eventually([&] { return metric("herald_indexer_rejected_total") == 1.0; }));
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 3; }));
  EXPECT_NE(receiver_->indexed_documents().back().find("port 43003"), std::string::npos);
  EXPECT_EQ(requests_holding("port 43002"), 1);  // a 400 item is not sent again
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_buffer_bytes") == 0.0; }));
  EXPECT_EQ(metric("herald_indexer_alerts_sent_total"), 3.0);
}

TEST_F(IndexerForwarder, WhatWasNotAcknowledgedIsSentAfterARestart) {
  receiver_->stop();
  raise_alerts({44000, 44001});
  ASSERT_TRUE(eventually([&] { return alert_lines().size() == 2; }));
  ASSERT_TRUE(eventually([&] { return metric("herald_indexer_failed_requests_total") >= 1.0; }));
  ASSERT_EQ(server_.stop(), 0);

  receiver_->start();
  server_.start();
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() >= 2; }, std::chrono::seconds(20)));
  EXPECT_EQ(sorted(receiver_->indexed_documents()), sorted(alert_lines()));
  EXPECT_TRUE(eventually([&] { return metric("herald_indexer_buffer_bytes") == 0.0; }));
}

class IndexerForwarderSmallBuffer : public IndexerForwarder {
 protected:
  std::string indexer_extra() override { return "    buffer_max_bytes: 4096\n"; }
};

TEST_F(IndexerForwarderSmallBuffer, WhenTheBufferIsFullTheNewestAlertsAreDroppedAndCounted) {
  receiver_->stop();
  std::vector<int> ports;
  for (int i = 0; i < 7; ++i) ports.push_back(45000 + i);  // 7: below the frequency rule's 8
  raise_alerts(ports);
  ASSERT_TRUE(eventually([&] { return alert_lines().size() == 7; }));
  ASSERT_TRUE(eventually([&] { return metric("herald_indexer_dropped_total") > 0.0; }));
  const double dropped = metric("herald_indexer_dropped_total");
  EXPECT_LE(metric("herald_indexer_buffer_bytes"), 4096.0);

  receiver_->start();
  const auto expected = 7u - static_cast<std::size_t>(dropped);
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == expected; }, std::chrono::seconds(20)));
  // The oldest ones were kept: the documents are the first alerts of alerts.json.
  auto lines = alert_lines();
  lines.resize(expected);
  EXPECT_EQ(sorted(receiver_->indexed_documents()), sorted(lines));
}

TEST(IndexerForwarderStartup, ACaFileThatDoesNotLoadStopsTheStartNamingIt) {
  HeralddProcess server(
      "alerts:\n  indexer:\n    hosts: [\"https://127.0.0.1:9200\"]\n"
      "    ca_file: /nonexistent/root-ca.pem\n");
  std::string output;
  EXPECT_NE(server.run_expecting_exit(output), 0);
  EXPECT_NE(output.find("alerts.indexer"), std::string::npos) << output;
  EXPECT_NE(output.find("/nonexistent/root-ca.pem"), std::string::npos) << output;

  HeralddProcess bad_index("alerts: {indexer: {hosts: [\"http://127.0.0.1:9200\"], index: \"Alerts-%H\"}}\n");
  EXPECT_NE(bad_index.run_expecting_exit(output), 0);
  EXPECT_NE(output.find("index pattern"), std::string::npos) << output;
}

// Several hosts: batches go to each in turn, and one that is down hands its batch to the next.
class IndexerForwarderHosts : public IndexerForwarder {
 protected:
  std::string hosts() override {
    second_.start();
    return "\"http://127.0.0.1:" + std::to_string(free_loopback_port()) + "\", \"" + receiver_->url() + "\", \"" +
           second_.url() + "\"";
  }
  BulkReceiver second_;
};

TEST_F(IndexerForwarderHosts, BatchesAreSpreadOverTheHostsAndADownOneIsSkipped) {
  raise_alerts({48000});
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 1; }));
  raise_alerts({48001});
  ASSERT_TRUE(eventually([&] { return second_.indexed_documents().size() == 1; }));
  auto documents = receiver_->indexed_documents();
  documents.push_back(second_.indexed_documents()[0]);
  EXPECT_EQ(sorted(documents), sorted(alert_lines()));
  EXPECT_EQ(receiver_->requests().size(), 1u);
  EXPECT_EQ(second_.requests().size(), 1u);
  EXPECT_EQ(metric("herald_indexer_failed_requests_total"), 1.0);  // the first batch tried the dead host first
  EXPECT_NE(server_.output().find("Connection refused"), std::string::npos);
}

// https hosts: the node's certificate is verified against ca_file, its address included. The CA
// and certificates come from the openssl CLI.
class IndexerForwarderTls : public IndexerForwarder {
 protected:
  std::unique_ptr<BulkReceiver> make_receiver() override {
    auto run = [&](const std::string& command) {
      const int status = std::system(("cd " + pki_.path().string() + " && " + command + " >/dev/null 2>&1").c_str());
      if (status != 0) throw std::runtime_error("failed: " + command);
    };
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.pem");
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout other.key -out other.pem");
    std::ofstream(pki_.file("san.ext")) << "subjectAltName=IP:127.0.0.1\n";  // an address is checked against SANs only
    run("openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout node.key -out node.csr");
    run("openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out "
        "node.pem");
    return std::make_unique<BulkReceiver>(pki_.file("node.pem"), pki_.file("node.key"));
  }
  std::string indexer_extra() override { return "    ca_file: \"" + pki_.file(ca_name()) + "\"\n"; }
  virtual std::string ca_name() { return "ca.pem"; }

  TempDir pki_;
};

TEST_F(IndexerForwarderTls, AlertsGoOverTlsToANodeTheCaVouchesFor) {
  ASSERT_TRUE(receiver_->url().starts_with("https://"));
  raise_alerts({46000, 46001});
  ASSERT_TRUE(eventually([&] { return receiver_->indexed_documents().size() == 2; }));
  EXPECT_EQ(sorted(receiver_->indexed_documents()), sorted(alert_lines()));
  EXPECT_EQ(receiver_->requests().at(0).headers.at("content-type"), "application/x-ndjson");
  EXPECT_EQ(metric("herald_indexer_failed_requests_total"), 0.0);
}

class IndexerForwarderWrongCa : public IndexerForwarderTls {
 protected:
  std::string ca_name() override { return "other.pem"; }
};

TEST_F(IndexerForwarderWrongCa, ANodeTheCaDoesNotVouchForGetsNothing) {
  raise_alerts({47000});
  ASSERT_TRUE(eventually([&] { return alert_lines().size() == 1; }));
  ASSERT_TRUE(eventually([&] { return metric("herald_indexer_failed_requests_total") >= 2.0; }));
  EXPECT_TRUE(receiver_->requests().empty());
  EXPECT_GT(metric("herald_indexer_buffer_bytes"), 0.0);
}

}  // namespace
}  // namespace herald::test
