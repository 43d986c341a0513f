// AnalysisService's hooks for the analysis stream (issue 16 part 8): an input's `done` tells
// whether it was analysed (the stream acks it then) or not queued (given back); with a forwarder
// set, submit() hands inputs over instead of analysing them, and analyse_here() still analyses.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "app/analysis_setup.h"
#include "engine/analysis_service.h"

namespace herald::engine {
namespace {

class AnalysisServiceHooks : public ::testing::Test {
 protected:
  void SetUp() override {
    analysis::LoadWarnings warnings;
    auto ruleset = app::load_configured_ruleset(app::Config{}, warnings);
    ASSERT_TRUE(ruleset.ok()) << ruleset.error().message;
    ruleset_ = std::move(ruleset).value();
  }

  std::unique_ptr<AnalysisService> service(std::size_t queue_capacity = 1024) {
    AnalysisOptions options;
    options.workers = 2;
    options.queue_capacity = queue_capacity;
    return std::make_unique<AnalysisService>(
        options, ruleset_,
        [this](const analysis::AlertRecord&) {
          std::lock_guard lock(mutex_);
          ++alerts_;
        },
        clock_, metrics_);
  }

  AnalysisInput failed_login(const std::string& agent_id, int port) {
    AnalysisInput input;
    input.agent_id = agent_id;
    input.agent_name = "web";
    input.agent_ip = "192.0.2.1";
    input.location = "/var/log/auth.log";
    input.message = "Dec  7 10:00:00 web sshd[1]: Failed password for root from 203.0.113.50 port " +
                    std::to_string(port) + " ssh2";
    return input;
  }

  std::shared_ptr<const analysis::Ruleset> ruleset_;
  core::ManualClock clock_{1'765'000'000};
  core::MetricsRegistry metrics_;
  std::mutex mutex_;
  int alerts_ = 0;
};

TEST_F(AnalysisServiceHooks, DoneIsCalledAfterEachInputIsAnalysedInOrderPerAgent) {
  auto analysis = service();
  std::mutex mutex;
  std::vector<std::string> finished;
  std::vector<AnalysisInput> inputs;
  for (int i = 0; i < 20; ++i) {
    auto input = failed_login(i % 2 == 0 ? "001" : "002", i);
    input.done = [&, tag = input.agent_id + ":" + std::to_string(i)](bool analysed) {
      EXPECT_TRUE(analysed);
      std::lock_guard lock(mutex);
      finished.push_back(tag);
    };
    inputs.push_back(std::move(input));
  }
  analysis->start();
  analysis->submit(std::move(inputs));
  analysis->stop();
  ASSERT_EQ(finished.size(), 20u);
  for (const std::string agent : {"001:", "002:"}) {
    int last = -1;
    for (const auto& tag : finished) {
      if (!tag.starts_with(agent)) continue;
      const int index = std::stoi(tag.substr(agent.size()));
      EXPECT_GT(index, last) << "out of order for " << agent;
      last = index;
    }
  }
  EXPECT_EQ(analysis->analysed(), 20u);
  std::lock_guard lock(mutex_);
  EXPECT_EQ(alerts_, 20);  // 200201 for the first 7 of each agent, then its brute-force rule
}

TEST_F(AnalysisServiceHooks, AnInputThatFindsItsQueueFullIsReportedNotAnalysed) {
  auto analysis = service(16);  // not started: the queue fills up
  std::vector<int> outcomes;    // 1 analysed, 0 not queued
  std::vector<AnalysisInput> inputs;
  for (int i = 0; i < 20; ++i) {
    auto input = failed_login("001", i);
    input.done = [&outcomes](bool analysed) { outcomes.push_back(analysed ? 1 : 0); };
    inputs.push_back(std::move(input));
  }
  analysis->submit(std::move(inputs));
  ASSERT_EQ(outcomes, std::vector<int>(4, 0));  // the 4 past the capacity, at once
  analysis->start();
  analysis->stop();
  EXPECT_EQ(outcomes.size(), 20u);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), 1), 16);
}

TEST_F(AnalysisServiceHooks, WithAForwarderSubmitHandsInputsOverAndAnalyseHereStillAnalyses) {
  auto analysis = service();
  std::vector<AnalysisInput> forwarded;
  analysis->forward_to([&](std::vector<AnalysisInput> inputs) {
    for (auto& input : inputs) forwarded.push_back(std::move(input));
  });
  analysis->start();
  std::vector<AnalysisInput> inputs;
  inputs.push_back(failed_login("001", 1));
  inputs.push_back(failed_login("002", 2));
  analysis->submit(std::move(inputs));
  ASSERT_EQ(forwarded.size(), 2u);
  EXPECT_EQ(forwarded[1].agent_id, "002");

  analysis->analyse_here(std::move(forwarded));
  analysis->stop();
  EXPECT_EQ(analysis->analysed(), 2u);
  EXPECT_EQ(analysis->processed(), 2u);
}

}  // namespace
}  // namespace herald::engine
