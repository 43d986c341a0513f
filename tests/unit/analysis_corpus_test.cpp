// Runs every case of tests/analysis/corpus/*.yml (schema in its README.md) through the analysis
// engine with Herald's default ruleset (ruleset/ of the repository) loaded alone. The same cases
// go through PUT /logtest in tests/integration/logtest_test.cpp.
#include "support/analysis_corpus.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "analysis/alert.h"
#include "analysis/analyzer.h"
#include "analysis/event.h"
#include "analysis/ruleset.h"

namespace herald::analysis {
namespace {

namespace fs = std::filesystem;
using test::CorpusCase;

const fs::path kSource = HERALD_SOURCE_DIR;
constexpr std::int64_t kStart = 1'765'534'530;  // 2025-12-12 10:15:30 UTC

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

std::optional<std::string> field_of(const Event& event, const std::string& name) {
  if (name == "program_name") return std::string(event.program_name.view());
  if (name == "hostname") return std::string(event.hostname.view());
  auto value = event.field(name);
  return value ? std::optional<std::string>(*value) : std::nullopt;
}

void check_case(const CorpusCase& test) {
  Analyzer analyzer(default_ruleset(), AnalyzerOptions{"herald-corpus", 0});
  std::int64_t at = kStart;
  Analyzer::Trace trace;
  for (const auto& event : test.events()) {
    RawEvent raw{event.source.agent_id, event.source.agent_name, "any", event.source.queue, event.source.location,
                 event.log};
    trace = analyzer.trace(raw, at);
    at += test.interval;
  }
  ASSERT_NE(trace.event, nullptr) << test.label();
  test::CorpusOutcome outcome;
  outcome.decoder = trace.event->decoder_name;
  outcome.field = [&](const std::string& name) { return field_of(*trace.event, name); };
  outcome.rule_id = trace.rule_id;
  outcome.rule_level = trace.rule_level;
  if (trace.rule_result != nullptr) outcome.groups = trace.rule_result->groups;
  test::expect_corpus_outcome(test, outcome);
}

TEST(AnalysisCorpus, EveryCaseOfEveryFile) {
  ASSERT_NE(default_ruleset(), nullptr);
  const auto cases = test::load_analysis_corpus(test::analysis_corpus_directory());
  ASSERT_FALSE(cases.empty());
  for (const auto& test : cases) check_case(test);
  EXPECT_GE(cases.size(), 300u);
}

}  // namespace
}  // namespace herald::analysis
