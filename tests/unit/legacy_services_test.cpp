// The socket-free parts of the 4.x services: key lookup rules, the order → 4.x action mapping,
// merged.mg confirmations, the active-response action's validation, shared files.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/command_parser.h"
#include "legacy/key_cache.h"
#include "legacy/legacy_action.h"
#include "legacy/push_confirmations.h"
#include "legacy/shared_files.h"
#include "legacy/wire/crypto.h"
#include "support/temp_dir.h"

namespace herald::legacy {
namespace {

namespace json = boost::json;

TEST(LegacyKeys, SingleHostAndAllowedAddresses) {
  EXPECT_TRUE(is_single_ipv4_host("10.0.0.5"));
  EXPECT_TRUE(is_single_ipv4_host("10.0.0.5/32"));
  EXPECT_FALSE(is_single_ipv4_host("any"));
  EXPECT_FALSE(is_single_ipv4_host("10.0.0.0/24"));
  EXPECT_FALSE(is_single_ipv4_host("::1"));
  EXPECT_TRUE(address_allowed("any", "192.168.1.1"));
  EXPECT_TRUE(address_allowed("10.0.0.5", "10.0.0.5"));
  EXPECT_FALSE(address_allowed("10.0.0.5", "10.0.0.6"));
  EXPECT_TRUE(address_allowed("10.0.0.0/24", "10.0.0.200"));
  EXPECT_FALSE(address_allowed("10.0.0.0/24", "10.0.1.1"));
  EXPECT_TRUE(address_allowed("0.0.0.0/0", "8.8.8.8"));
  EXPECT_FALSE(address_allowed("10.0.0.0/33", "10.0.0.1"));
  EXPECT_FALSE(address_allowed("fe80::1", "fe80::2"));
}

TEST(LegacyKeys, CacheFindsByIdAndByBoundAddressAndReloads) {
  KeyCache cache;
  cache.put({"001", "a", "any", std::string(64, 'a'), 0});
  cache.put({"002", "b", "10.0.0.7", std::string(64, 'b'), 0});
  ASSERT_TRUE(cache.find("001"));
  EXPECT_EQ(cache.find("001")->channel_key, wire::channel_key("001", "a", std::string(64, 'a')));
  EXPECT_EQ(cache.find_by_address("10.0.0.7")->id, "002");
  EXPECT_FALSE(cache.find_by_address("any"));
  // A reload drops what the store no longer has (a replaced agent) and rebinds addresses.
  cache.replace_all({{"002", "b", "10.0.0.8", std::string(64, 'b'), 0}, {"003", "c", "any", std::string(64, 'c'), 0}});
  EXPECT_FALSE(cache.find("001"));
  EXPECT_FALSE(cache.find_by_address("10.0.0.7"));
  EXPECT_EQ(cache.find_by_address("10.0.0.8")->id, "002");
  EXPECT_EQ(cache.size(), 2u);
}

core::Order order_with(const std::string& name, const std::string& args_json) {
  core::Order order;
  order.key = {1, 1};
  order.command.action.name = name;
  order.command.action.args_json = args_json;
  return order;
}

TEST(LegacyActions, EachActionMapsOntoWhatA4xAgentUnderstands) {
  EXPECT_EQ(legacy_action(order_with("restart", "{}")).kind, LegacyAction::Kind::restart);
  EXPECT_EQ(legacy_action(order_with("fetch-config", "{}")).kind, LegacyAction::Kind::push_config);
  auto set_group = legacy_action(order_with("set-group", R"({"groups":["web","db"]})"));
  EXPECT_EQ(set_group.kind, LegacyAction::Kind::push_config);
  EXPECT_EQ(set_group.groups, (std::vector<std::string>{"web", "db"}));
  auto ar = legacy_action(
      order_with("active-response", R"({"command":"firewall-drop0","extra_args":["-","1.2.3.4"],"alert":{"a":1}})"));
  EXPECT_EQ(ar.kind, LegacyAction::Kind::active_response);
  EXPECT_EQ(ar.command, "firewall-drop0");
  EXPECT_EQ(ar.extra_args, (std::vector<std::string>{"-", "1.2.3.4"}));
  EXPECT_EQ(json::parse(ar.alert_json), json::parse(R"({"a":1})"));
  auto other = legacy_action(order_with("update", "{}"));
  EXPECT_EQ(other.kind, LegacyAction::Kind::unsupported);
  EXPECT_NE(other.failure.find("'update'"), std::string::npos);
}

TEST(LegacyActions, AnEngineResponseCarriesItsTimeoutInTheNameAndItsUndoIsNotSent) {
  auto add = legacy_action(order_with(
      "active-response", R"({"command":"firewall-drop","mode":"add","timeout":600,"srcip":"1.2.3.4","alert":{"a":1}})"));
  EXPECT_EQ(add.kind, LegacyAction::Kind::active_response);
  EXPECT_EQ(add.command, "firewall-drop600");
  EXPECT_EQ(json::parse(add.alert_json), json::parse(R"({"a":1})"));
  auto stateless = legacy_action(order_with("active-response", R"({"command":"notify","mode":"add","timeout":0})"));
  EXPECT_EQ(stateless.command, "notify0");
  auto undo = legacy_action(order_with("active-response", R"({"command":"firewall-drop","mode":"delete","timeout":600})"));
  EXPECT_EQ(undo.kind, LegacyAction::Kind::unsupported);
  EXPECT_NE(undo.failure.find("undoes 'firewall-drop' itself"), std::string::npos) << undo.failure;
}

std::string parse_error(const std::string& args) {
  auto parsed = core::parse_commands(
      R"({"commands":[{"source":"s","target":{"type":"agent","id":"001"},"action":{"name":"active-response")" +
      (args.empty() ? std::string() : ",\"args\":" + args) + R"(},"timeout":10}]})");
  if (const auto* error = std::get_if<core::CommandParseError>(&parsed)) return error->message;
  return "";
}

TEST(LegacyActions, ActiveResponseArgsAreValidatedNamingTheField) {
  EXPECT_EQ(parse_error(R"({"command":"firewall-drop0"})"), "");
  EXPECT_EQ(parse_error(R"({"command":"!custom.sh","extra_args":["a"],"alert":{}})"), "");
  EXPECT_NE(parse_error("").find("[command]"), std::string::npos);
  EXPECT_NE(parse_error(R"({})").find("[command]"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":"rm -rf /"})").find("command.action.args.command"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":""})").find("command.action.args.command"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":"x","extra_args":"y"})").find("extra_args"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":"x","extra_args":[1]})").find("extra_args"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":"x","alert":[]})").find("alert"), std::string::npos);
  EXPECT_NE(parse_error(R"({"command":"x","shell":"y"})").find("[shell]"), std::string::npos);
}

TEST(LegacyConfirmations, AMatchingKeepaliveSucceedsAndMismatchesRunOut) {
  PushConfirmations confirmations(2);
  confirmations.expect("001", {1, 1}, "aaa");
  confirmations.expect("002", {2, 1}, "bbb");
  EXPECT_TRUE(confirmations.waiting("001"));
  EXPECT_TRUE(confirmations.keepalive("001", std::string("old")).empty());
  auto success = confirmations.keepalive("001", std::string("aaa"));
  ASSERT_EQ(success.size(), 1u);
  EXPECT_EQ(success[0].result.code, 0);
  EXPECT_EQ(success[0].reporter_agent_id, std::optional<std::string>("001"));
  EXPECT_FALSE(confirmations.waiting("001"));
  EXPECT_TRUE(confirmations.keepalive("002", std::nullopt).empty());
  auto failure = confirmations.keepalive("002", std::string("zzz"));
  ASSERT_EQ(failure.size(), 1u);
  EXPECT_EQ(failure[0].result.code, 1);
  EXPECT_NE(failure[0].result.message.find("zzz"), std::string::npos);
  EXPECT_TRUE(confirmations.keepalive("003", std::string("x")).empty());
}

TEST(LegacySharedFiles, MergedFileComesFromTheGroupDirectoryAndFollowsIt) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "web");
  std::ofstream(dir.path() / "web" / "agent.conf") << "<agent_config/>\n";
  std::ofstream(dir.path() / "web" / ".hidden") << "no";
  SharedFiles shared(dir.path().string(), std::chrono::milliseconds(0));
  auto merged = shared.merged_for({"web"});
  EXPECT_EQ(merged->md5, wire::md5_hex(merged->content));
  EXPECT_EQ(merged->content.rfind("#web\n", 0), 0u) << merged->content;
  EXPECT_NE(merged->content.find("agent.conf\n<agent_config/>\n"), std::string::npos) << merged->content;
  EXPECT_EQ(merged->content.find(".hidden"), std::string::npos);
  std::ofstream(dir.path() / "web" / "agent.conf") << "<agent_config>changed</agent_config>\n";
  EXPECT_NE(shared.merged_for({"web"})->md5, merged->md5);
  // A group without a directory still has a (small) merged.mg.
  EXPECT_FALSE(shared.merged_for({"nodir"})->content.empty());
}

}  // namespace
}  // namespace herald::legacy
