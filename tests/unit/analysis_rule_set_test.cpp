// RuleSet::load: every rule option, the tree as Wazuh builds it (templates, if_sid, if_group,
// if_level, category placement, level ordering, overwrite), Wazuh's warnings and the errors;
// and, when /work/wazuh4 is there, the whole Wazuh 4.x ruleset.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/rule_set.h"

namespace herald::analysis {
namespace {

const std::filesystem::path kWazuh = "/work/wazuh4";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AnalysisRuleSetWazuh, LoadsTheWholeRuleset) {
  if (!std::filesystem::exists(kWazuh / "ruleset/rules")) GTEST_SKIP() << "no Wazuh source tree";
  std::vector<RulesetFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(kWazuh / "ruleset/rules")) {
    if (entry.path().extension() == ".xml") files.push_back({entry.path().filename().string(), read_file(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  ListRegistry lists;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kWazuh / "ruleset/lists")) {
    if (!entry.is_regular_file()) continue;
    auto list = CdbList::load(entry.path().string());
    ASSERT_TRUE(list.ok()) << list.error().message;
    const auto relative = std::filesystem::relative(entry.path(), kWazuh / "ruleset").string();
    lists.add("etc/" + relative, std::make_shared<CdbList>(std::move(list).value()));
  }
  LoadWarnings warnings;
  auto set = RuleSet::load(files, [](std::string_view) { return true; }, lists, warnings);
  ASSERT_TRUE(set.ok()) << set.error().message;
  for (const auto& warning : warnings) std::cout << "warning: " << warning << "\n";
  std::cout << files.size() << " files, " << set->size() << " rules, " << set->nodes().size() << " tree nodes, "
            << warnings.size() << " warnings, " << set->list_count() << " correlation lists\n";
  EXPECT_GT(set->size(), 4000u);
}

}  // namespace
}  // namespace herald::analysis
