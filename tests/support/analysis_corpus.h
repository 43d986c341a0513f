#pragma once
// The analysis corpus (tests/analysis/corpus/*.yml, schema in its README.md) as data, and the
// one comparison of an outcome with a case's expectations, so that every way of running the
// cases (the library in the unit tests, PUT /logtest in the integration tests) checks the same.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald::test {

struct CorpusSource {
  std::string location = "/var/log/auth.log";
  std::string agent_id = "001";
  std::string agent_name = "corpus-agent";
  char queue = '1';  // the 4.x queue character ('f': Windows event channel)
};

struct CorpusEvent {
  std::string log;
  CorpusSource source;
  int repeat = 1;
};

struct CorpusExpectation {
  std::optional<std::string> decoder;
  std::vector<std::pair<std::string, std::string>> fields;  // in the file's order
  std::string rule = "none";                                // a rule id, or "none"
  std::optional<int> level;
  std::vector<std::string> groups;
};

struct CorpusCase {
  std::string file;  // "sshd.yml"
  std::string name;
  CorpusSource source;
  std::int64_t interval = 1;          // seconds between events
  std::vector<CorpusEvent> sequence;  // before `log`, each `repeat` times
  std::string log;
  CorpusExpectation expect;

  std::string label() const { return file + ": " + name; }
  // Every event of the case in order, repeats unrolled, `log` last.
  std::vector<CorpusEvent> events() const;
};

// Every case of every .yml file of `directory`, files in name order. Throws on a file that does
// not parse.
std::vector<CorpusCase> load_analysis_corpus(const std::filesystem::path& directory);
// <source>/tests/analysis/corpus.
std::filesystem::path analysis_corpus_directory();

// What an engine made of a case's last event.
struct CorpusOutcome {
  std::string decoder;
  // A field's value by its corpus name (static, dynamic, program_name, hostname); nullopt when
  // absent.
  std::function<std::optional<std::string>(const std::string&)> field;
  int rule_id = 0;  // 0: no rule
  int rule_level = 0;
  // The rule's groups, or nullopt when the engine shows none (a rule that raised no alert).
  std::optional<std::vector<std::string>> groups;
};

// GoogleTest expectations: the outcome agrees with `test.expect`.
void expect_corpus_outcome(const CorpusCase& test, const CorpusOutcome& outcome);

}  // namespace herald::test
