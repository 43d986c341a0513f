#include "analysis/ruleset_sources.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"

namespace herald::analysis {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::vector<std::string> names(const std::vector<RulesetFile>& files) {
  std::vector<std::string> out;
  for (const auto& file : files) out.push_back(fs::path(file.path).filename().string());
  return out;
}

TEST(AnalysisRulesetSources, ClassifiesByContentSortsByNameAndNamesListsAsRulesDo) {
  test::TempDir dir;
  const auto root = dir.path() / "ossec" / "etc";
  write(root / "decoders" / "b_decoders.xml", "<!-- x --><var name=\"A\">1</var>\n<decoder name=\"b\"/>");
  write(root / "decoders" / "a_decoders.xml", "<decoder name=\"a\"/>");
  write(root / "rules" / "0100-x.xml", "<group name=\"x\"></group>");
  write(root / "rules" / "0010-y.xml", "<var name=\"B\">2</var><group name=\"y\"></group>");
  write(root / "rules" / "notes.txt", "not a ruleset file");
  write(root / "lists" / "audit-keys", "a:b\n");
  write(root / "lists" / "amazon" / "aws-eventnames", "c:d\n");
  write(root / "lists" / "audit-keys.cdb", "compiled");
  write(root / "lists" / ".hidden", "x");

  RulesetSources sources;
  ASSERT_TRUE(add_directory(sources, root.string(), {}));
  EXPECT_EQ(names(sources.decoders), (std::vector<std::string>{"a_decoders.xml", "b_decoders.xml"}));
  EXPECT_EQ(names(sources.rules), (std::vector<std::string>{"0010-y.xml", "0100-x.xml"}));
  ASSERT_EQ(sources.lists.size(), 2u);
  EXPECT_EQ(sources.lists[0].path, "etc/lists/amazon/aws-eventnames");
  EXPECT_EQ(sources.lists[1].path, "etc/lists/audit-keys");
  EXPECT_EQ(sources.lists[1].text, "a:b\n");
}

TEST(AnalysisRulesetSources, ExcludesLeaveFilesOutByName) {
  test::TempDir dir;
  write(dir.path() / "rules" / "keep.xml", "<group name=\"k\"></group>");
  write(dir.path() / "rules" / "drop.xml", "<group name=\"d\"></group>");
  write(dir.path() / "rules" / "dec.xml", "<decoder name=\"d\"/>");
  RulesetSources sources;
  ASSERT_TRUE(add_directory(sources, (dir.path() / "rules").string(), {{"dec.xml"}, {"drop.xml"}}));
  EXPECT_EQ(names(sources.rules), (std::vector<std::string>{"keep.xml"}));
  EXPECT_TRUE(sources.decoders.empty());
}

TEST(AnalysisRulesetSources, AWrongDirectoryIsAClearError) {
  test::TempDir dir;
  RulesetSources sources;
  auto missing = add_directory(sources, (dir.path() / "nope").string(), {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
  write(dir.path() / "empty" / "readme.txt", "x");
  auto empty = add_directory(sources, (dir.path() / "empty").string(), {});
  ASSERT_FALSE(empty);
  EXPECT_NE(empty.error().message.find("holds no ruleset file"), std::string::npos);
}

TEST(AnalysisRulesetSources, EmbeddedFilesAreClassifiedLikeADirectory) {
  const EmbeddedFile files[] = {{"rules/b.xml", "<group name=\"b\"></group>"},
                                {"decoders/a.xml", "<decoder name=\"a\"/>"},
                                {"lists/ips", "1.2.3.4:bad\n"},
                                {"README.md", "# not loaded"}};
  RulesetSources sources;
  add_embedded(sources, files, "herald", {});
  ASSERT_EQ(sources.decoders.size(), 1u);
  EXPECT_EQ(sources.decoders[0].path, "herald/decoders/a.xml");
  ASSERT_EQ(sources.rules.size(), 1u);
  ASSERT_EQ(sources.lists.size(), 1u);
  EXPECT_EQ(sources.lists[0].path, "etc/lists/ips");
}

TEST(AnalysisRulesetSources, DecoderFilesAreToldApartFromRuleFiles) {
  EXPECT_TRUE(is_decoder_file("<?xml version=\"1.0\"?>\n<!-- <rule> --><decoder name=\"x\">"));
  EXPECT_TRUE(is_decoder_file("<var name=\"x\"><decoder/></var><decoder name=\"x\">"));
  EXPECT_FALSE(is_decoder_file("<group name=\"x\"><rule id=\"1\"/></group>"));
  EXPECT_FALSE(is_decoder_file("<!-- unterminated"));
  EXPECT_FALSE(is_decoder_file(""));
}

}  // namespace
}  // namespace herald::analysis
