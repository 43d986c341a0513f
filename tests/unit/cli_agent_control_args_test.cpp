// agent_control's command line (getopt-style clusters) and the errors it reports before it
// needs a server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <sstream>

#include "cli/agent_control.h"
#include "cli/agent_control_args.h"

namespace herald::cli::agent_control {
namespace {

namespace json = boost::json;

Arguments parse(std::vector<std::string> args) {
  return parse_arguments(args);
}

std::optional<std::string> no_environment(const std::string&) {
  return std::nullopt;
}

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run_with(std::vector<std::string> args, EnvironmentLookup environment = no_environment) {
  std::ostringstream out, err;
  int status = run(args, out, err, environment);
  return {status, out.str(), err.str()};
}

TEST(CliAgentControlArgs, Lists) {
  auto all = parse({"-l"});
  EXPECT_EQ(all.action, Action::list);
  EXPECT_FALSE(all.active_only || all.disconnected_only);
  EXPECT_EQ(all.format, OutputFormat::text);

  EXPECT_TRUE(parse({"-lc"}).active_only);
  EXPECT_TRUE(parse({"-l", "-c"}).active_only);
  EXPECT_TRUE(parse({"-ln"}).disconnected_only);
  EXPECT_EQ(parse({"-lcj"}).format, OutputFormat::json);
  EXPECT_EQ(parse({"-l", "-s"}).format, OutputFormat::csv);
  // -s and -j: the last one wins, as upstream.
  EXPECT_EQ(parse({"-l", "-s", "-j"}).format, OutputFormat::json);
  EXPECT_EQ(parse({"-l", "-js"}).format, OutputFormat::csv);
  // upstream's -d and -e change nothing.
  EXPECT_EQ(parse({"-ld"}).action, Action::list);
}

TEST(CliAgentControlArgs, InfoTakesTheIdAsGetoptDoes) {
  auto separate = parse({"-i", "3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60"});
  EXPECT_EQ(separate.action, Action::info);
  EXPECT_EQ(separate.agent_id, "3f0e4a4c-6a9b-4d3e-9a52-1c2b3d4e5f60");
  EXPECT_EQ(parse({"-i000"}).agent_id, "000");
  EXPECT_EQ(parse({"-ji", "000"}).agent_id, "000");
  EXPECT_EQ(parse({"-ji", "000"}).format, OutputFormat::json);
  EXPECT_EQ(parse({"-i", "000", "-s"}).format, OutputFormat::csv);
  // No id: the value is empty (error 45), and options after it still count.
  auto missing = parse({"-i", "-j"});
  EXPECT_EQ(missing.action, Action::info);
  EXPECT_EQ(missing.agent_id, "");
  EXPECT_EQ(missing.format, OutputFormat::json);
  EXPECT_EQ(parse({"-i"}).agent_id, "");
}

TEST(CliAgentControlArgs, HelpVersionAndNothing) {
  EXPECT_EQ(parse({"-h"}).action, Action::help);
  EXPECT_EQ(parse({"--help"}).action, Action::help);
  EXPECT_EQ(parse({"-V"}).action, Action::version);
  auto nothing = parse({});
  EXPECT_EQ(nothing.action, Action::help);
  EXPECT_TRUE(nothing.nothing_given);
  EXPECT_EQ(parse({"-j"}).action, Action::help);  // a format alone asks for nothing
}

TEST(CliAgentControlArgs, UpstreamActionsAreUnsupportedWithAPointerToCommands) {
  for (std::vector<std::string> args : {std::vector<std::string>{"-R", "-a"},
                                        {"-R", "-u", "000"},
                                        {"-r", "-a"},
                                        {"-b", "10.0.0.1", "-f", "firewall-drop", "-a"},
                                        {"-L"},
                                        {"-lR"}}) {
    SCOPED_TRACE(args.front());
    auto parsed = parse(args);
    EXPECT_EQ(parsed.action, Action::unsupported);
    EXPECT_NE(parsed.problem.find("herald commands send"), std::string::npos) << parsed.problem;
  }
}

TEST(CliAgentControlArgs, InvalidCombinationsAndUnknownOptions) {
  EXPECT_EQ(parse({"-x"}).action, Action::invalid);
  EXPECT_EQ(parse({"-l", "extra"}).action, Action::invalid);
  EXPECT_EQ(parse({"-lcn"}).action, Action::invalid);
  EXPECT_EQ(parse({"-c"}).action, Action::invalid);
  EXPECT_EQ(parse({"--bogus"}).action, Action::invalid);
  EXPECT_EQ(parse({"-l", "--url"}).action, Action::invalid);  // missing value
}

TEST(CliAgentControlArgs, ConnectionOptions) {
  auto parsed = parse({"-l", "--url", "https://h:1", "--user=u", "--password", "p", "--insecure", "--ca-file", "/c",
                       "--config", "/x.yml"});
  EXPECT_EQ(parsed.action, Action::list);
  EXPECT_EQ(parsed.connection.url, "https://h:1");
  EXPECT_EQ(parsed.connection.user, "u");
  EXPECT_EQ(parsed.connection.password, "p");
  EXPECT_TRUE(parsed.connection.insecure);
  EXPECT_EQ(parsed.connection.ca_file, "/c");
  EXPECT_EQ(parsed.connection.config_path, "/x.yml");
}

TEST(CliAgentControlRun, HelpExitsZeroNothingExitsOne) {
  auto help = run_with({"-h"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("-lc"), std::string::npos);
  auto nothing = run_with({});
  EXPECT_EQ(nothing.status, 1);
  EXPECT_NE(nothing.out.find("-lc"), std::string::npos);
  auto version = run_with({"-V"});
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("agent_control"), std::string::npos);
}

TEST(CliAgentControlRun, InvalidIdIsError40WithoutAskingTheServer) {
  // No password anywhere: reaching the settings would be a different error.
  // "001" is a Wazuh 4.x agent's id now; two digits are no id of any kind.
  auto json_run = run_with({"-j", "-i", "01"});
  EXPECT_EQ(json_run.status, 1);
  EXPECT_EQ(json_run.out, "{\"error\":40,\"message\":\"Invalid agent id\"}\n");
  EXPECT_EQ(json_run.err, "");
  auto text_run = run_with({"-i", "not-a-uuid"});
  EXPECT_EQ(text_run.status, 1);
  EXPECT_EQ(text_run.out, "");
  EXPECT_EQ(text_run.err, "\n** Invalid agent id 'not-a-uuid'.\n");
  // A UUID of another version is not an agent id either.
  EXPECT_EQ(run_with({"-j", "-i", "3f0e4a4c-6a9b-1d3e-9a52-1c2b3d4e5f60"}).out,
            "{\"error\":40,\"message\":\"Invalid agent id\"}\n");
}

TEST(CliAgentControlRun, MissingIdIsError45) {
  auto json_run = run_with({"-i", "-j"});
  EXPECT_EQ(json_run.status, 1);
  EXPECT_EQ(json_run.out, "{\"error\":45,\"message\":\"Agent not specified\"}\n");
  auto text_run = run_with({"-i"});
  EXPECT_EQ(text_run.status, 1);
  EXPECT_EQ(text_run.err, "\n** Agent not specified.\n");
}

TEST(CliAgentControlRun, UnsupportedAndInvalidAreJsonErrorsWithJ) {
  for (std::vector<std::string> args : {std::vector<std::string>{"-j", "-R", "-a"}, {"-x", "-j"}}) {
    auto result = run_with(args);
    EXPECT_EQ(result.status, 1);
    auto reply = json::parse(result.out);
    EXPECT_EQ(reply.at("error").as_int64(), 1);
    EXPECT_FALSE(reply.at("message").as_string().empty());
  }
  auto text = run_with({"-R", "-a"});
  EXPECT_EQ(text.status, 1);
  EXPECT_NE(text.err.find("herald commands send"), std::string::npos) << text.err;
}

TEST(CliAgentControlRun, MissingPasswordAndUnreachableServerAreJsonErrors) {
  auto no_password = run_with({"-l", "-j"});
  EXPECT_EQ(no_password.status, 1);
  auto reply = json::parse(no_password.out);
  EXPECT_EQ(reply.at("error").as_int64(), 1);
  EXPECT_NE(std::string(reply.at("message").as_string()).find("no password"), std::string::npos);

  // Port 1 on loopback: nothing listens there.
  auto unreachable = run_with({"-lj", "--url", "http://127.0.0.1:1", "--password", "x"});
  EXPECT_EQ(unreachable.status, 1);
  auto error = json::parse(unreachable.out);
  EXPECT_EQ(error.at("error").as_int64(), 1);
  EXPECT_NE(std::string(error.at("message").as_string()).find("cannot connect"), std::string::npos) << unreachable.out;

  auto text = run_with({"-l", "--url", "http://127.0.0.1:1", "--password", "x"});
  EXPECT_EQ(text.status, 1);
  EXPECT_EQ(text.out, "");
  EXPECT_NE(text.err.find("cannot connect"), std::string::npos);
}

TEST(CliAgentControlRun, BadUrlIsAnError) {
  auto result = run_with({"-lj", "--url", "ftp://h", "--password", "x"});
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(json::parse(result.out).at("error").as_int64(), 1);
}

}  // namespace
}  // namespace herald::cli::agent_control
