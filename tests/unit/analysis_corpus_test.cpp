// Runs every case of tests/analysis/corpus/*.yml (schema in its README.md) through the analysis
// engine with Herald's default ruleset (ruleset/ of the repository) loaded alone.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/alert.h"
#include "analysis/analyzer.h"
#include "analysis/event.h"
#include "analysis/ruleset.h"

namespace herald::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = HERALD_SOURCE_DIR;
constexpr std::int64_t kStart = 1'765'534'530;  // 2025-12-12 10:15:30 UTC

struct Source {
  std::string location = "/var/log/auth.log";
  std::string agent_id = "001";
  std::string agent_name = "corpus-agent";
  char queue = '1';
};

Source with(const Source& base, const YAML::Node& node) {
  Source source = base;
  if (node["location"]) source.location = node["location"].as<std::string>();
  if (node["queue"]) source.queue = node["queue"].as<std::string>().front();
  if (auto agent = node["agent"]) {
    if (agent["id"]) source.agent_id = agent["id"].as<std::string>();
    if (agent["name"]) source.agent_name = agent["name"].as<std::string>();
  }
  return source;
}

std::shared_ptr<const Ruleset> default_ruleset() {
  static const std::shared_ptr<const Ruleset> ruleset = [] {
    RulesetSources sources;
    auto added = add_directory(sources, (kSource / "ruleset").string(), {});
    EXPECT_TRUE(added) << added.error().message;
    LoadWarnings warnings;
    auto loaded = Ruleset::load(sources, warnings);
    EXPECT_TRUE(loaded) << loaded.error().message;
    for (const auto& warning : warnings) ADD_FAILURE() << "warning: " << warning;
    return loaded ? *loaded : nullptr;
  }();
  return ruleset;
}

Analyzer::Trace run(Analyzer& analyzer, const Source& source, const std::string& log, std::int64_t at) {
  RawEvent event{source.agent_id, source.agent_name, "any", source.queue, source.location, log};
  return analyzer.trace(event, at);
}

std::string field_of(const Event& event, const std::string& name) {
  if (name == "program_name") return std::string(event.program_name.view());
  if (name == "hostname") return std::string(event.hostname.view());
  auto value = event.field(name);
  return value ? std::string(*value) : std::string("<absent>");
}

void check_case(const std::string& file, const YAML::Node& test, const Source& defaults) {
  const std::string name = test["name"].as<std::string>();
  SCOPED_TRACE(file + ": " + name);
  const Source source = with(defaults, test);
  const std::int64_t interval = test["interval"] ? test["interval"].as<std::int64_t>() : 1;

  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"herald-corpus", 0});
  std::int64_t at = kStart;
  if (auto sequence = test["sequence"]) {
    for (const auto& entry : sequence) {
      const bool is_text = entry.IsScalar();
      const std::string log = is_text ? entry.as<std::string>() : entry["log"].as<std::string>();
      const Source entry_source = is_text ? source : with(source, entry);
      const int repeat = !is_text && entry["repeat"] ? entry["repeat"].as<int>() : 1;
      for (int i = 0; i < repeat; ++i) {
        run(analyzer, entry_source, log, at);
        at += interval;
      }
    }
  }
  const auto trace = run(analyzer, source, test["log"].as<std::string>(), at);
  ASSERT_NE(trace.event, nullptr);
  const auto& expect = test["expect"];
  if (expect["decoder"]) {
    EXPECT_EQ(trace.event->decoder_name, expect["decoder"].as<std::string>());
  }
  if (auto fields = expect["fields"]) {
    for (const auto& field : fields) {
      const auto key = field.first.as<std::string>();
      EXPECT_EQ(field_of(*trace.event, key), field.second.as<std::string>()) << "field " << key;
    }
  }
  const std::string expected_rule = expect["rule"] ? expect["rule"].as<std::string>() : "none";
  if (expected_rule == "none") {
    EXPECT_EQ(trace.rule_id, 0) << "expected no rule";
    return;
  }
  EXPECT_EQ(std::to_string(trace.rule_id), expected_rule);
  if (expect["level"]) {
    EXPECT_EQ(trace.rule_level, expect["level"].as<int>());
  }
  if (auto groups = expect["groups"]) {
    ASSERT_NE(trace.rule_result, nullptr) << "groups expected of a rule that raised no alert";
    for (const auto& group : groups) {
      const auto wanted = group.as<std::string>();
      const auto& have = trace.rule_result->groups;
      EXPECT_NE(std::find(have.begin(), have.end(), wanted), have.end()) << "group " << wanted;
    }
  }
}

TEST(AnalysisCorpus, EveryCaseOfEveryFile) {
  ASSERT_NE(default_ruleset(), nullptr);
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kSource / "tests/analysis/corpus")) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  std::size_t cases = 0;
  for (const auto& path : files) {
    const YAML::Node root = YAML::LoadFile(path.string());
    Source defaults;
    if (auto d = root["defaults"]) defaults = with(defaults, d);
    for (const auto& test : root["cases"]) {
      check_case(path.filename().string(), test, defaults);
      ++cases;
    }
  }
  EXPECT_GE(cases, 300u);
}

}  // namespace
}  // namespace herald::analysis
