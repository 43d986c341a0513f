// A local check against Wazuh's own ruleset, skipped when /work/wazuh4 (Wazuh 4.x sources and
// ruleset) is absent: every decoder file loads as Wazuh loads it, and the sample logs of
// ruleset/testing/tests/*.ini get the decoder those tests expect.
//
// The .ini files state, per section, "decoder = <name>" and lines "log <n> pass = <log>" that
// wazuh-logtest must decode with it (their "fail" lines expect the test to fail, so say nothing
// about the decoder). Wazuh's test run also installs testing/ruleset/test_*_decoders.xml into
// etc/decoders, which loads after ruleset/decoders.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/decoder_set.h"
#include "analysis/event.h"
#include "analysis/predecoder.h"

namespace herald::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kWazuh = "/work/wazuh4";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Files of `directory` whose name matches, sorted by name as Wazuh reads a decoder_dir.
std::vector<RulesetFile> files_in(const fs::path& directory, bool (*wanted)(const std::string&)) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (entry.is_regular_file() && wanted(entry.path().filename().string())) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<RulesetFile> files;
  for (const fs::path& path : paths) files.push_back({path.string(), read_file(path)});
  return files;
}

bool is_xml(const std::string& name) { return name.size() > 4 && name.ends_with(".xml"); }
bool is_test_decoder_file(const std::string& name) { return name.starts_with("test_") && name.ends_with("decoders.xml"); }

struct SampleLog {
  std::string file;
  std::string section;
  std::string log;
  std::string decoder;
};

// The "pass" logs of one .ini file, read as Python's RawConfigParser reads these files.
std::vector<SampleLog> sample_logs(const fs::path& path) {
  std::vector<SampleLog> logs;
  std::istringstream lines(read_file(path));
  std::string line, section;
  std::vector<std::string> pending;
  std::string decoder;
  auto flush = [&] {
    for (std::string& log : pending) logs.push_back({path.filename().string(), section, std::move(log), decoder});
    pending.clear();
    decoder.clear();
  };
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == ';' || line[0] == '#') continue;
    if (line[0] == '[') {
      flush();
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    const std::size_t delimiter = line.find_first_of("=:");
    if (delimiter == std::string::npos) continue;
    auto trim = [](std::string text) {
      const std::size_t start = text.find_first_not_of(" \t");
      if (start == std::string::npos) return std::string();
      return text.substr(start, text.find_last_not_of(" \t") - start + 1);
    };
    const std::string key = trim(line.substr(0, delimiter));
    const std::string value = trim(line.substr(delimiter + 1));
    if (key == "decoder") {
      decoder = value;
    } else if (key.starts_with("log ") && key.ends_with(" pass")) {
      pending.push_back(value);
    }
  }
  flush();
  return logs;
}

class AnalysisDecoderSetWazuh : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kWazuh / "ruleset/decoders") || !fs::exists(kWazuh / "ruleset/testing/ruleset")) {
      GTEST_SKIP() << kWazuh << " (its ruleset and ruleset/testing) is not here";
    }
  }
};

TEST_F(AnalysisDecoderSetWazuh, LoadsEveryDecoderFileOfTheRuleset) {
  const std::vector<RulesetFile> files = files_in(kWazuh / "ruleset/decoders", is_xml);
  LoadWarnings warnings;
  auto set = DecoderSet::load(files, warnings);
  ASSERT_TRUE(set) << set.error().message;
  std::cout << "[ wazuh ] " << files.size() << " decoder files, " << set->size() << " decoders, " << warnings.size()
            << " warnings\n";
  for (const std::string& warning : warnings) std::cout << "[ wazuh ]   warning: " << warning << "\n";
  EXPECT_GT(set->size(), 1000u);
  EXPECT_TRUE(set->has_decoder("sshd"));
  EXPECT_TRUE(set->has_decoder("json"));
}

TEST_F(AnalysisDecoderSetWazuh, DecodesTheRulesetTestingLogsWithTheExpectedDecoder) {
  std::vector<RulesetFile> files = files_in(kWazuh / "ruleset/decoders", is_xml);
  for (RulesetFile& file : files_in(kWazuh / "ruleset/testing/ruleset", is_test_decoder_file)) {
    files.push_back(std::move(file));
  }
  LoadWarnings warnings;
  auto set = DecoderSet::load(files, warnings);
  ASSERT_TRUE(set) << set.error().message;

  std::vector<SampleLog> logs;
  for (const auto& entry : fs::directory_iterator(kWazuh / "ruleset/testing/tests")) {
    if (entry.path().extension() != ".ini") continue;
    for (SampleLog& log : sample_logs(entry.path())) logs.push_back(std::move(log));
  }
  ASSERT_GT(logs.size(), 1000u);

  std::map<std::string, std::pair<int, int>> per_file;  // matched, mismatched
  DecodeState state;
  std::size_t matched = 0;
  std::vector<std::string> mismatches;
  for (const SampleLog& sample : logs) {
    Event event;
    event.full_log = sample.log;
    event.location = "stdin";
    if (!predecode(event, {"manager"})) continue;
    set->decode(event, state);
    if (std::getenv("HERALD_WAZUH_DUMP") != nullptr) {
      std::cout << "[ dump ] " << sample.file << " | " << event.decoder_name << " |";
      for (std::size_t f = 0; f < kStaticFieldCount; ++f) {
        const auto value = event.static_field(static_cast<StaticField>(f));
        if (value) std::cout << " " << static_field_name(static_cast<StaticField>(f)) << "=" << *value;
      }
      for (const DynamicField& field : event.dynamic_fields()) std::cout << " " << field.name << "=" << field.value;
      std::cout << "\n";
    }
    if (event.decoder_name == sample.decoder) {
      ++matched;
      ++per_file[sample.file].first;
    } else {
      ++per_file[sample.file].second;
      mismatches.push_back(sample.file + " [" + sample.section + "]: expected '" + sample.decoder + "', got '" +
                           event.decoder_name + "': " + sample.log.substr(0, 160));
    }
  }
  std::cout << "[ wazuh ] " << logs.size() << " sample logs in " << per_file.size() << " files: " << matched
            << " decoded by the expected decoder, " << mismatches.size() << " not\n";
  for (const std::string& mismatch : mismatches) std::cout << "[ wazuh ]   " << mismatch << "\n";
  EXPECT_TRUE(mismatches.empty());
}

// How long decoding takes with the whole ruleset (printed, not asserted: machines differ).
TEST_F(AnalysisDecoderSetWazuh, ReportsTheCostOfDecoding) {
  LoadWarnings warnings;
  auto set = DecoderSet::load(files_in(kWazuh / "ruleset/decoders", is_xml), warnings);
  ASSERT_TRUE(set) << set.error().message;
  DecodeState state;
  for (const char* log : {"Jan  5 10:00:00 myhost sshd[100]: Failed password for invalid user eve from 10.1.1.1 port 2222 ssh2",
                          "Jan  5 10:00:00 myhost sshd[100]: Accepted publickey for deploy from 10.1.1.1 port 50022 ssh2",
                          "Jan  5 10:00:00 myhost kernel: [12345.678] usb 1-1: new high-speed USB device number 2",
                          "Jan  5 10:00:00 myhost unknownprog[1]: nothing decodes this line at all"}) {
    Event event;
    event.full_log = log;
    event.location = "/var/log/secure";
    ASSERT_TRUE(predecode(event, {"manager"}));
    constexpr int kRounds = 20000;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRounds; ++i) set->decode(event, state);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    std::cout << "[ wazuh ] decode: " << std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() / kRounds
              << " ns (" << (event.decoder_name.empty() ? "no decoder" : event.decoder_name) << "): " << log << "\n";
  }
}

// Logs written for this test, with the fields Wazuh's decoder files give them (read off the
// files: 0310-ssh, 0375-web-accesslog, 0006-json).
TEST_F(AnalysisDecoderSetWazuh, DecodesFieldsAsTheDecoderFilesSay) {
  LoadWarnings warnings;
  auto set = DecoderSet::load(files_in(kWazuh / "ruleset/decoders", is_xml), warnings);
  ASSERT_TRUE(set) << set.error().message;
  DecodeState state;
  auto decode = [&](std::string_view log) {
    Event event;
    event.full_log = std::string(log);
    event.location = "stdin";
    EXPECT_TRUE(predecode(event, {"manager"}));
    set->decode(event, state);
    return event;
  };
  auto field = [](const Event& event, StaticField which) { return std::string(event.static_field(which).value_or("<unset>")); };

  Event e = decode("Jan  5 10:00:00 myhost sshd[100]: Failed password for invalid user eve from 10.1.1.1 port 2222 ssh2");
  EXPECT_EQ(e.decoder_name, "sshd");
  EXPECT_EQ(e.parent_decoder_name, "sshd");
  EXPECT_EQ(field(e, StaticField::srcuser), "eve");
  EXPECT_EQ(field(e, StaticField::srcip), "10.1.1.1");
  EXPECT_EQ(field(e, StaticField::srcport), "<unset>");

  e = decode("Jan  5 10:00:00 myhost sshd[100]: Failed none for root from 10.2.2.2 port 22 ssh2");
  EXPECT_EQ(field(e, StaticField::dstuser), "root");
  EXPECT_EQ(field(e, StaticField::srcip), "10.2.2.2");
  EXPECT_EQ(field(e, StaticField::srcport), "22");

  e = decode(R"(192.168.1.10 - - [10/Oct/2023:13:55:36 -0700] "GET /index.html HTTP/1.1" 200 2326)");
  EXPECT_EQ(e.decoder_name, "web-accesslog");
  EXPECT_EQ(e.parent_decoder_name, "");  // taken by a child without prematch
  EXPECT_EQ(state.type(), DecoderType::web_log);
  EXPECT_EQ(field(e, StaticField::srcip), "192.168.1.10");
  EXPECT_EQ(field(e, StaticField::protocol), "GET");
  EXPECT_EQ(field(e, StaticField::url), "/index.html");
  EXPECT_EQ(field(e, StaticField::id), "200");

  e = decode(R"({"srcip":"1.2.3.4","a":{"b":[1,2],"c":null}})");
  EXPECT_EQ(e.decoder_name, "json");
  EXPECT_EQ(field(e, StaticField::srcip), "1.2.3.4");
  ASSERT_EQ(e.dynamic_fields().size(), 2u);
  EXPECT_EQ(e.dynamic_fields()[0].name, "a.b");
  EXPECT_EQ(e.dynamic_fields()[0].value, "[1, 2]");
  EXPECT_EQ(e.dynamic_fields()[1].value, "null");
}

}  // namespace
}  // namespace herald::analysis
