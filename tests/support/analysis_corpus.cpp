#include "support/analysis_corpus.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace herald::test {

namespace fs = std::filesystem;

namespace {

CorpusSource with(const CorpusSource& base, const YAML::Node& node) {
  CorpusSource source = base;
  if (node["location"]) source.location = node["location"].as<std::string>();
  if (node["queue"]) source.queue = node["queue"].as<std::string>().front();
  if (auto agent = node["agent"]) {
    if (agent["id"]) source.agent_id = agent["id"].as<std::string>();
    if (agent["name"]) source.agent_name = agent["name"].as<std::string>();
  }
  return source;
}

CorpusCase read_case(const std::string& file, const YAML::Node& node, const CorpusSource& defaults) {
  CorpusCase test;
  test.file = file;
  test.name = node["name"].as<std::string>();
  test.source = with(defaults, node);
  if (node["interval"]) test.interval = node["interval"].as<std::int64_t>();
  if (auto sequence = node["sequence"]) {
    for (const auto& entry : sequence) {
      CorpusEvent event;
      if (entry.IsScalar()) {
        event.log = entry.as<std::string>();
        event.source = test.source;
      } else {
        event.log = entry["log"].as<std::string>();
        event.source = with(test.source, entry);
        if (entry["repeat"]) event.repeat = entry["repeat"].as<int>();
      }
      test.sequence.push_back(std::move(event));
    }
  }
  test.log = node["log"].as<std::string>();
  const auto& expect = node["expect"];
  if (expect["decoder"]) test.expect.decoder = expect["decoder"].as<std::string>();
  if (auto fields = expect["fields"]) {
    for (const auto& field : fields) {
      test.expect.fields.emplace_back(field.first.as<std::string>(), field.second.as<std::string>());
    }
  }
  if (expect["rule"]) test.expect.rule = expect["rule"].as<std::string>();
  if (expect["level"]) test.expect.level = expect["level"].as<int>();
  if (auto groups = expect["groups"]) {
    for (const auto& group : groups) test.expect.groups.push_back(group.as<std::string>());
  }
  return test;
}

}  // namespace

std::vector<CorpusEvent> CorpusCase::events() const {
  std::vector<CorpusEvent> out;
  for (const auto& event : sequence) {
    for (int i = 0; i < event.repeat; ++i) out.push_back(CorpusEvent{event.log, event.source, 1});
  }
  out.push_back(CorpusEvent{log, source, 1});
  return out;
}

fs::path analysis_corpus_directory() {
  return fs::path(HERALD_SOURCE_DIR) / "tests" / "analysis" / "corpus";
}

std::vector<CorpusCase> load_analysis_corpus(const fs::path& directory) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<CorpusCase> cases;
  for (const auto& path : files) {
    const YAML::Node root = YAML::LoadFile(path.string());
    CorpusSource defaults;
    if (auto d = root["defaults"]) defaults = with(defaults, d);
    for (const auto& node : root["cases"]) cases.push_back(read_case(path.filename().string(), node, defaults));
  }
  return cases;
}

void expect_corpus_outcome(const CorpusCase& test, const CorpusOutcome& outcome) {
  SCOPED_TRACE(test.label());
  const auto& expect = test.expect;
  if (expect.decoder) {
    EXPECT_EQ(outcome.decoder, *expect.decoder);
  }
  for (const auto& [name, value] : expect.fields) {
    EXPECT_EQ(outcome.field(name).value_or("<absent>"), value) << "field " << name;
  }
  if (expect.rule == "none") {
    EXPECT_EQ(outcome.rule_id, 0) << "expected no rule";
    return;
  }
  EXPECT_EQ(std::to_string(outcome.rule_id), expect.rule);
  if (expect.level) {
    EXPECT_EQ(outcome.rule_level, *expect.level);
  }
  if (!expect.groups.empty()) {
    ASSERT_TRUE(outcome.groups.has_value()) << "groups expected of a rule that raised no alert";
    for (const auto& wanted : expect.groups) {
      EXPECT_NE(std::find(outcome.groups->begin(), outcome.groups->end(), wanted), outcome.groups->end())
          << "group " << wanted;
    }
  }
}

}  // namespace herald::test
