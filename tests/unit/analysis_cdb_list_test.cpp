// CDB lists: the text format as Wazuh's list compiler reads it (quotes, colons, CR, skipped lines
// and their warnings, duplicates), strict mode, files, and every lookup kind a rule can ask for,
// address prefixes included; Wazuh's shipped lists when /work/wazuh4 is there.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "analysis/cdb_list.h"

namespace herald::analysis {
namespace {

CdbList parsed(std::string_view text) {
  auto list = CdbList::parse(text, "lists/test");
  EXPECT_TRUE(list.ok());
  return std::move(list).value();
}

TEST(AnalysisCdbList, KeysAndValues) {
  const auto list = parsed("root:admin\nbob:\nalice:finance:eu\n");
  EXPECT_EQ(list.size(), 3u);
  EXPECT_EQ(list.find("root"), "admin");
  EXPECT_EQ(list.find("bob"), "");
  EXPECT_EQ(list.find("alice"), "finance:eu");  // the value is all after the first ':'
  EXPECT_EQ(list.find("carol"), std::nullopt);
  EXPECT_EQ(list.find("Root"), std::nullopt);  // keys are exact
  EXPECT_TRUE(list.warnings().empty());
}

TEST(AnalysisCdbList, QuotedKeysAndValues) {
  const auto list = parsed(
      "\"a0:a0:a0:a0:a0:a0\":\n"
      "\"b1:b1\":\"x:y\"\n"
      "  \"spaced key\"  :value\n"
      "plain:\"quoted value\" trailing\n"
      "k:before\"v\"after\n"
      "url:\"http://x\"\n");
  EXPECT_EQ(list.find("a0:a0:a0:a0:a0:a0"), "");
  EXPECT_EQ(list.find("b1:b1"), "x:y");
  EXPECT_EQ(list.find("spaced key"), "value");  // text around the quotes is ignored
  EXPECT_EQ(list.find("plain"), "quoted value");
  EXPECT_EQ(list.find("k"), "v");
  EXPECT_EQ(list.find("url"), "http://x");
  EXPECT_TRUE(list.warnings().empty());
}

TEST(AnalysisCdbList, AQuoteAfterTheColonIsNotAKeyQuote) {
  const auto list = parsed("key:\"va:lue\"\nkey2:say \"hi\" now\n");
  EXPECT_EQ(list.find("key"), "va:lue");
  EXPECT_EQ(list.find("key2"), "hi");
}

TEST(AnalysisCdbList, LinesEndAtCarriageReturnsAndNothingIsTrimmed) {
  const auto list = parsed("a:1\r\nb:2\rjunk\n c :3\n");
  EXPECT_EQ(list.find("a"), "1");
  EXPECT_EQ(list.find("b"), "2");
  EXPECT_EQ(list.find(" c "), "3");
  EXPECT_EQ(list.find("c"), std::nullopt);
}

TEST(AnalysisCdbList, SkippedLinesWarnWithTheirLineNumber) {
  const auto list = parsed(
      "# a comment\n"
      "\n"
      "   \n"
      "no separator here\n"
      "\"unclosed:key\n"
      "key:\"unclosed value\n"
      "good:1\n"
      "good:2\n"
      "#commented:key\n");
  EXPECT_EQ(list.find("good"), "1");          // the first value is kept
  EXPECT_EQ(list.find("#commented"), "key");  // Wazuh has no comments: a ':' makes it a key
  EXPECT_EQ(list.size(), 2u);
  ASSERT_EQ(list.warnings().size(), 4u);
  EXPECT_TRUE(list.warnings()[0].starts_with("lists/test:4: ")) << list.warnings()[0];
  EXPECT_TRUE(list.warnings()[1].starts_with("lists/test:5: ")) << list.warnings()[1];
  EXPECT_TRUE(list.warnings()[2].starts_with("lists/test:6: ")) << list.warnings()[2];
  EXPECT_TRUE(list.warnings()[3].starts_with("lists/test:8: ")) << list.warnings()[3];
  EXPECT_NE(list.warnings()[3].find("good"), std::string::npos);
}

TEST(AnalysisCdbList, StrictModeFailsAtTheFirstProblem) {
  const auto list = CdbList::parse("a:1\n# fine\n\nbroken line\nb:2\n", "etc/lists/x", {.strict = true});
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_TRUE(list.error().message.starts_with("etc/lists/x:4: ")) << list.error().message;
  EXPECT_TRUE(CdbList::parse("a:1\n# fine\n\nb:2", "x", {.strict = true}).ok());
}

TEST(AnalysisCdbList, EmptyTextsAndKeys) {
  EXPECT_EQ(parsed("").size(), 0u);
  const auto list = parsed(":value\nlast:no newline");
  EXPECT_EQ(list.find(""), "value");
  EXPECT_EQ(list.find("last"), "no newline");
}

TEST(AnalysisCdbList, KeyLookups) {
  const auto list = parsed("root:admin\nbob:finance\n");
  EXPECT_TRUE(list.match_key("root"));
  EXPECT_FALSE(list.match_key("nobody"));
  EXPECT_TRUE(list.not_match_key("nobody"));
  EXPECT_FALSE(list.not_match_key("bob"));

  const ValuePredicate is_finance = [](std::string_view value) { return value == "finance"; };
  EXPECT_TRUE(list.match_key_value("bob", is_finance));
  EXPECT_FALSE(list.match_key_value("root", is_finance));
  EXPECT_FALSE(list.match_key_value("nobody", is_finance));
  EXPECT_FALSE(list.match_key_value("bob", {}));  // without check_value nothing matches

  EXPECT_TRUE(list.lookup(ListLookup::match_key, "root"));
  EXPECT_TRUE(list.lookup(ListLookup::not_match_key, "x"));
  EXPECT_TRUE(list.lookup(ListLookup::match_key_value, "bob", is_finance));
}

TEST(AnalysisCdbList, AddressLookupsUsePrefixesEndingInADot) {
  const auto list = parsed(
      "192.168.:internal\n"
      "172.16.19.:lab\n"
      "10.1.1.1:host\n"
      "10.:ten\n"
      "10.0.0.0/8:cidr\n");
  EXPECT_EQ(list.find_address("192.168.4.20"), "internal");
  EXPECT_EQ(list.find_address("172.16.19.200"), "lab");
  EXPECT_EQ(list.find_address("172.16.20.1"), std::nullopt);
  EXPECT_EQ(list.find_address("10.1.1.1"), "host");
  EXPECT_EQ(list.find_address("10.1.1.10"), "ten");  // "10.1.1.1" is not a prefix ending in '.'
  EXPECT_EQ(list.find_address("10.0.0.0/8"), "cidr");
  EXPECT_EQ(list.find_address("192.168."), "internal");
  EXPECT_EQ(list.find_address("192.16"), std::nullopt);
  EXPECT_EQ(list.find_address(""), std::nullopt);

  EXPECT_TRUE(list.address_match_key("192.168.0.1"));
  EXPECT_FALSE(list.address_match_key("8.8.8.8"));
  EXPECT_TRUE(list.not_address_match_key("8.8.8.8"));
  EXPECT_FALSE(list.not_address_match_key("10.9.9.9"));
  // Plain key lookups do not use prefixes.
  EXPECT_FALSE(list.match_key("192.168.0.1"));
}

TEST(AnalysisCdbList, TheLongestPrefixWins) {
  const auto list = parsed("10.:wide\n10.1.:narrow\n10.1.2.:narrowest\n");
  EXPECT_EQ(list.find_address("10.1.2.3"), "narrowest");
  EXPECT_EQ(list.find_address("10.1.3.3"), "narrow");
  EXPECT_EQ(list.find_address("10.2.3.3"), "wide");
}

TEST(AnalysisCdbList, AddressValueLookupFollowsTheDocumentation) {
  const auto list = parsed("192.168.:internal\n10.0.0.1:dmz\n");
  const ValuePredicate is_internal = [](std::string_view value) { return value == "internal"; };
  EXPECT_TRUE(list.address_match_key_value("192.168.1.1", is_internal));
  EXPECT_FALSE(list.address_match_key_value("10.0.0.1", is_internal));
  EXPECT_FALSE(list.address_match_key_value("8.8.8.8", is_internal));
  EXPECT_FALSE(list.address_match_key_value("192.168.1.1", {}));
  EXPECT_TRUE(list.lookup(ListLookup::address_match_key_value, "192.168.9.9", is_internal));
  EXPECT_TRUE(list.lookup(ListLookup::address_match_key, "10.0.0.1"));
  EXPECT_TRUE(list.lookup(ListLookup::not_address_match_key, "10.0.0.2"));
}

TEST(AnalysisCdbList, AddressLookupsOnHugeKeysStayCheap) {
  const auto list = parsed("1.:one\n");
  const std::string dots(1 << 20, '.');
  EXPECT_EQ(list.find_address(dots), std::nullopt);
  EXPECT_EQ(list.find_address("1." + dots), "one");
}

TEST(AnalysisCdbList, LookupNames) {
  EXPECT_EQ(list_lookup_from_name("match_key"), ListLookup::match_key);
  EXPECT_EQ(list_lookup_from_name("NOT_MATCH_KEY"), ListLookup::not_match_key);
  EXPECT_EQ(list_lookup_from_name("match_key_value"), ListLookup::match_key_value);
  EXPECT_EQ(list_lookup_from_name("address_match_key"), ListLookup::address_match_key);
  EXPECT_EQ(list_lookup_from_name("not_address_match_key"), ListLookup::not_address_match_key);
  EXPECT_EQ(list_lookup_from_name("Address_Match_Key_Value"), ListLookup::address_match_key_value);
  EXPECT_EQ(list_lookup_from_name("match"), std::nullopt);
  EXPECT_EQ(list_lookup_from_name(""), std::nullopt);
}

TEST(AnalysisCdbList, LoadsFiles) {
  const auto path =
      std::filesystem::temp_directory_path() / ("herald_cdb_" + std::to_string(::getpid()) + "_" +
                                                std::to_string(testing::UnitTest::GetInstance()->random_seed()));
  {
    std::ofstream file(path, std::ios::binary);
    file << "audit-wazuh-w:write\naudit-wazuh-r:read\nbad\n";
  }
  const auto list = CdbList::load(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->find("audit-wazuh-w"), "write");
  EXPECT_EQ(list->source_name(), path.string());
  ASSERT_EQ(list->warnings().size(), 1u);
  EXPECT_EQ(list->warnings()[0].rfind(path.string() + ":3: ", 0), 0u);

  const auto missing = CdbList::load((path.string() + ".missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, core::ErrorKind::not_found);
  EXPECT_NE(missing.error().message.find(".missing"), std::string::npos);

  const auto directory = CdbList::load(std::filesystem::temp_directory_path().string());
  EXPECT_FALSE(directory.ok());
}

// Wazuh's shipped lists load, with no line skipped (malware-hashes lists one hash twice).
TEST(AnalysisCdbList, WazuhShippedLists) {
  const std::filesystem::path lists = "/work/wazuh4/ruleset/lists";
  if (!std::filesystem::is_directory(lists)) GTEST_SKIP() << lists << " is not here";
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(lists)) {
    if (!entry.is_regular_file()) continue;
    const auto list = CdbList::load(entry.path().string());
    ASSERT_TRUE(list.ok()) << list.error().message;
    EXPECT_GT(list->size(), 0u) << entry.path();
    for (const auto& warning : list->warnings()) EXPECT_NE(warning.find("listed again"), std::string::npos) << warning;
    ++loaded;
  }
  EXPECT_GE(loaded, 3u);
  const auto audit = CdbList::load((lists / "audit-keys").string());
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->match_key_value("audit-wazuh-w", [](std::string_view value) { return value == "write"; }));
}

}  // namespace
}  // namespace herald::analysis
