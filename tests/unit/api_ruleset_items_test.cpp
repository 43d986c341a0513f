// The rules API's listings: items built from a loaded ruleset as the Wazuh API shows them, and
// Wazuh's search / sort / offset / limit over them.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/item_query.h"
#include "api/ruleset_items.h"
#include "api/ruleset_xml_json.h"

namespace herald::api {
namespace {

namespace json = boost::json;

std::shared_ptr<const analysis::Ruleset> sample_ruleset() {
  analysis::RulesetSources sources;
  sources.decoders.push_back({"ruleset/decoders/app.xml", R"(<decoder name="app">
  <program_name>app</program_name>
</decoder>
<decoder name="app-login">
  <parent>app</parent>
  <prematch>login </prematch>
  <regex offset="after_prematch">user (\S+) from (\S+)</regex>
  <order>user, srcip</order>
</decoder>
)"});
  sources.lists.push_back({"etc/lists/bad-ips", "10.0.0.1:evil\n10.0.0.2:\n"});
  sources.rules.push_back({"ruleset/rules/app.xml", R"(<group name="app,">
  <rule id="1" level="0" noalert="1"><category>syslog</category><description>syslog</description></rule>
  <rule id="100001" level="3">
    <decoded_as>app</decoded_as>
    <description>app event</description>
  </rule>
  <rule id="100002" level="7">
    <if_sid>100001</if_sid>
    <match>failed</match>
    <group>authentication_failed,pci_dss_10.2.4,gdpr_IV_35.7.d,</group>
    <mitre><id>T1110</id></mitre>
    <description>app login failed</description>
  </rule>
  <rule id="100003" level="12" frequency="4" timeframe="60">
    <if_matched_sid>100002</if_matched_sid>
    <same_source_ip />
    <description>app brute force</description>
  </rule>
</group>
)"});
  analysis::LoadWarnings warnings;
  auto loaded = analysis::Ruleset::load(sources, warnings);
  EXPECT_TRUE(loaded.ok()) << loaded.error().message;
  return std::move(loaded).value();
}

http::Request request_with(std::vector<std::pair<std::string, std::string>> query) {
  http::Request request;
  request.query = std::move(query);
  return request;
}

std::vector<std::int64_t> ids_of(const json::array& items) {
  std::vector<std::int64_t> ids;
  for (const auto& item : items) ids.push_back(item.at("id").as_int64());
  return ids;
}

TEST(ApiRulesetItems, RulesCarryWazuhsFieldsWithComplianceGroupsSplitOut) {
  auto items = rule_items(*sample_ruleset());
  ASSERT_EQ(items.size(), 4u);
  const auto& failed = items[2].as_object();
  EXPECT_EQ(failed.at("filename"), "app.xml");
  EXPECT_EQ(failed.at("relative_dirname"), "ruleset/rules");
  EXPECT_EQ(failed.at("id"), 100002);
  EXPECT_EQ(failed.at("level"), 7);
  EXPECT_EQ(failed.at("status"), "enabled");
  EXPECT_EQ(failed.at("pci_dss"), (json::array{"10.2.4"}));
  EXPECT_EQ(failed.at("gdpr"), (json::array{"IV_35.7.d"}));
  EXPECT_EQ(failed.at("hipaa"), json::array{});
  EXPECT_EQ(failed.at("mitre"), (json::array{"T1110"}));
  EXPECT_EQ(failed.at("groups"), (json::array{"app", "authentication_failed"}));
  EXPECT_EQ(failed.at("description"), "app login failed");
  EXPECT_EQ(failed.at("details").at("if_sid"), "100001");
  EXPECT_EQ(failed.at("details").at("match").at("pattern"), "failed");
  const auto& brute = items[3].as_object();
  EXPECT_EQ(brute.at("details").at("frequency"), "4");
  EXPECT_EQ(brute.at("details").at("timeframe"), "60");
  std::vector<std::string> keys;
  for (const auto& entry : failed) keys.emplace_back(entry.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"filename", "relative_dirname", "id", "level", "status", "details",
                                            "pci_dss", "gpg13", "gdpr", "hipaa", "nist_800_53", "tsc", "mitre",
                                            "groups", "description"}));
}

TEST(ApiRulesetItems, DecodersAndListsAndFiles) {
  auto ruleset = sample_ruleset();
  auto decoders = decoder_items(*ruleset);
  ASSERT_EQ(decoders.size(), 2u);
  EXPECT_EQ(decoders[1].at("name"), "app-login");
  EXPECT_EQ(decoders[1].at("position"), 1);
  EXPECT_EQ(decoders[1].at("details").at("parent"), "app");
  EXPECT_EQ(decoders[1].at("details").at("order"), "user, srcip");
  EXPECT_EQ(decoders[1].at("details").at("regex").at("offset"), "after_prematch");
  auto lists = list_items(*ruleset);
  ASSERT_EQ(lists.size(), 1u);
  EXPECT_EQ(lists[0].at("filename"), "bad-ips");
  EXPECT_EQ(lists[0].at("relative_dirname"), "etc/lists");
  EXPECT_EQ(lists[0].at("items"), (json::array{json::object{{"key", "10.0.0.1"}, {"value", "evil"}},
                                               json::object{{"key", "10.0.0.2"}, {"value", ""}}}));
  auto files = file_items(ruleset->sources().rules);
  EXPECT_EQ(files, (json::array{json::object{
                       {"filename", "app.xml"}, {"relative_dirname", "ruleset/rules"}, {"status", "enabled"}}}));
}

TEST(ApiItemQuery, SearchSortsAndPages) {
  http::Response error;
  auto query = parse_item_query(request_with({{"sort", "-level"}, {"offset", "1"}, {"limit", "1"}}), error);
  ASSERT_TRUE(query);
  auto items = rule_items(*sample_ruleset());
  EXPECT_EQ(apply_item_query(*query, items), 4);
  EXPECT_EQ(ids_of(items), (std::vector<std::int64_t>{100002}));

  query = parse_item_query(request_with({{"search", "BRUTE"}}), error);
  items = rule_items(*sample_ruleset());
  EXPECT_EQ(apply_item_query(*query, items), 1);
  EXPECT_EQ(ids_of(items), (std::vector<std::int64_t>{100003}));

  query = parse_item_query(request_with({{"search", "-brute"}, {"sort", "+description"}}), error);
  items = rule_items(*sample_ruleset());
  EXPECT_EQ(apply_item_query(*query, items), 3);
  EXPECT_EQ(ids_of(items), (std::vector<std::int64_t>{100001, 100002, 1}));

  query = parse_item_query(request_with({{"sort", "details.frequency,-id"}}), error);
  items = rule_items(*sample_ruleset());
  apply_item_query(*query, items);
  EXPECT_EQ(ids_of(items), (std::vector<std::int64_t>{100002, 100001, 1, 100003}));  // missing first
}

TEST(ApiItemQuery, BadParametersAreRefused) {
  http::Response error;
  EXPECT_FALSE(parse_item_query(request_with({{"limit", "0"}}), error));
  EXPECT_EQ(error.status, 400u);
  EXPECT_FALSE(parse_item_query(request_with({{"sort", "-"}}), error));
  EXPECT_EQ(error.status, 400u);
  EXPECT_EQ(split_list(" a, ,b ,"), (std::vector<std::string>{"a", "b"}));
}

TEST(ApiRulesetXmlJson, ElementsBecomeXmltodictShapes) {
  auto converted = ruleset_xml_to_json(R"(<group name="g,"><rule id="1" level="2"><match>x</match>
<description>d</description></rule><rule id="2" level="0"><description>e</description></rule></group>)",
                                       "f.xml");
  ASSERT_TRUE(converted.ok()) << converted.error().message;
  const auto& group = converted->at("group");
  EXPECT_EQ(group.at("@name"), "g,");
  ASSERT_TRUE(group.at("rule").is_array());
  EXPECT_EQ(group.at("rule").as_array()[0].at("@id"), "1");
  EXPECT_EQ(group.at("rule").as_array()[0].at("match"), "x");
  EXPECT_EQ(group.at("rule").as_array()[1].at("description"), "e");
  EXPECT_FALSE(ruleset_xml_to_json("<group><rule>", "f.xml").ok());
}

}  // namespace
}  // namespace herald::api
