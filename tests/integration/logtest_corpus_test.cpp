// LogtestCorpus: every case of the analysis corpus (tests/analysis/corpus, also run through the
// library by tests/unit/analysis_corpus_test.cpp) through PUT /logtest against one heraldd with
// the default ruleset: one session per case, its events in order, the last one's output compared
// with the case's decoder, fields, rule id and level.
//
// Logtest is the manager's own tool: its events carry no agent, and their time is the server's.
// So the cases whose answer depends on the agent (events of several agents, or a field that is
// the agent's name) or on the case's clock (events spread over more than a rule's window) are
// run but not compared; their number is printed, and bounded.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "support/analysis_corpus.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"

namespace herald::test {
namespace {

namespace json = boost::json;

// A field of the output: program_name/hostname/timestamp from "predecoder", anything else from
// "data", where dotted names are nested objects.
std::optional<std::string> output_field(const json::object& output, const std::string& name) {
  const json::value* value = nullptr;
  if (name == "program_name" || name == "hostname") {
    if (const auto* predecoder = output.if_contains("predecoder")) value = predecoder->as_object().if_contains(name);
  } else if (const auto* data = output.if_contains("data")) {
    const std::string key = name == "user" ? "dstuser" : name;
    value = data->as_object().if_contains(key);
    if (value == nullptr) {
      value = data;
      for (std::size_t start = 0; value != nullptr && start <= key.size();) {
        const std::size_t dot = std::min(key.find('.', start), key.size());
        value = value->is_object() ? value->as_object().if_contains(key.substr(start, dot - start)) : nullptr;
        start = dot + 1;
      }
    }
  }
  if (value == nullptr) return std::nullopt;
  return value->is_string() ? std::string(value->as_string()) : json::serialize(*value);
}

// A 4.x agent's Windows event channel case (queue 'f'): analysisd converts those messages on a
// path of their own, which Wazuh's logtest does not run either; they are not sent.
bool event_channel_case(const CorpusCase& test) {
  for (const auto& event : test.events()) {
    if (event.source.queue != '1') return true;
  }
  return false;
}

// Whether logtest can reproduce the case (see the file comment).
bool depends_on_agent_or_clock(const CorpusCase& test) {
  for (const auto& event : test.sequence) {
    if (event.source.agent_id != test.source.agent_id || event.source.agent_name != test.source.agent_name) return true;
  }
  for (const auto& [name, value] : test.expect.fields) {
    if (name == "hostname") return true;
  }
  // Logtest's events all arrive within moments: a case whose events are spread over more than
  // the default ruleset's shortest timeframe may expect a window to have closed.
  constexpr std::int64_t kShortestTimeframe = 60;
  const auto earlier_events = static_cast<std::int64_t>(test.events().size() - 1);
  return test.interval * earlier_events > kShortestTimeframe;
}

TEST(LogtestCorpus, EveryCaseThroughPutLogtest) {
  const auto cases = load_analysis_corpus(analysis_corpus_directory());
  ASSERT_GE(cases.size(), 300u);
  HeralddProcess server("node: {name: corpus-node}\nanalysis: {herald_events: false}\n");
  server.start();
  auto admin = server.admin_client();
  const std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};

  std::size_t compared = 0, not_comparable = 0, event_channel = 0;
  for (const auto& test : cases) {
    if (event_channel_case(test)) {
      ++event_channel;
      continue;
    }
    std::optional<std::string> token;
    json::object data;
    for (const auto& event : test.events()) {
      json::object request{{"event", event.log}, {"log_format", "syslog"}, {"location", event.source.location}};
      if (token) request["token"] = *token;
      auto result = admin.request("PUT", "/logtest", json::serialize(request), headers);
      ASSERT_EQ(result.status, 200u) << test.label() << ": " << result.body;
      data = json::parse(result.body).as_object().at("data").as_object();
      ASSERT_TRUE(data.contains("output")) << test.label() << ": " << result.body;
      token = std::string(data.at("token").as_string());
    }
    ASSERT_EQ(admin.del("/logtest/sessions/" + *token).status, 200u);
    if (depends_on_agent_or_clock(test)) {
      ++not_comparable;
      continue;
    }
    const auto& output = data.at("output").as_object();
    CorpusOutcome outcome;
    if (const auto* decoder = output.if_contains("decoder"); decoder && decoder->as_object().contains("name")) {
      outcome.decoder = std::string(decoder->at("name").as_string());
    }
    outcome.field = [&](const std::string& name) { return output_field(output, name); };
    if (const auto* rule = output.if_contains("rule")) {
      outcome.rule_id = std::stoi(std::string(rule->at("id").as_string()));
      outcome.rule_level = static_cast<int>(rule->at("level").as_int64());
      std::vector<std::string> groups;
      for (const auto& group : rule->at("groups").as_array()) groups.emplace_back(group.as_string());
      outcome.groups = std::move(groups);
    }
    expect_corpus_outcome(test, outcome);
    ++compared;
  }
  std::cout << "LogtestCorpus: " << compared << " cases compared, " << not_comparable
            << " depend on the agent or the case's clock, " << event_channel << " are queue 'f' cases (not sent)"
            << std::endl;
  EXPECT_GE(compared, 300u);
  EXPECT_LE(not_comparable, 20u);
  if (HasFailure()) std::cerr << "heraldd output:\n" << server.output() << std::endl;
}

}  // namespace
}  // namespace herald::test
