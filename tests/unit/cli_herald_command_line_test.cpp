// herald's command line: commands, options anywhere, globals, help, and argument errors (exit 2).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_body.h"
#include "cli/command_line.h"
#include "cli/durations.h"
#include "cli/failure.h"
#include "cli/herald_cli.h"

namespace herald::cli {
namespace {

CommandLine parse(std::vector<std::string> args) {
  return parse_command_line(herald_commands(), args);
}

std::string bad_arguments_message(std::vector<std::string> args) {
  try {
    (void)parse(args);
  } catch (const Failure& failure) {
    EXPECT_EQ(failure.code(), ExitCode::bad_arguments);
    return failure.what();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args, std::string input = "") {
  std::istringstream in(input);
  std::ostringstream out, err;
  int status = run_herald(
      args, in, out, err, [](const std::string&) { return std::nullopt; }, false);
  return {status, out.str(), err.str()};
}

TEST(CliHeraldCommandLine, FindsTheCommandAndItsOptionsAnywhere) {
  auto line = parse({"agents", "list", "--status", "active,pending", "--json", "--group=web", "--limit", "5"});
  ASSERT_EQ(line.kind, CommandLine::Kind::run);
  EXPECT_EQ(line.parsed.spec->group, "agents");
  EXPECT_EQ(line.parsed.spec->verb, "list");
  EXPECT_EQ(line.parsed.value("--status"), "active,pending");
  EXPECT_EQ(line.parsed.value("--group"), "web");
  EXPECT_EQ(line.parsed.value("--limit"), "5");
  EXPECT_FALSE(line.parsed.value("--q"));
  EXPECT_TRUE(line.parsed.json);
}

TEST(CliHeraldCommandLine, GlobalOptionsBeforeOrAfterTheCommand) {
  auto before = parse({"--url", "http://h:1", "--json", "groups", "list"});
  EXPECT_EQ(before.parsed.connection.url, "http://h:1");
  EXPECT_TRUE(before.parsed.json);
  auto after = parse({"groups", "list", "--password=pw", "--insecure"});
  EXPECT_EQ(after.parsed.connection.password, "pw");
  EXPECT_TRUE(after.parsed.connection.insecure);
}

TEST(CliHeraldCommandLine, CommandsSendUserIsTheCommandsAfterTheVerb) {
  auto line = parse({"--user", "operator", "commands", "send", "--target", "group:web", "--action", "restart", "--user",
                     "alice", "--arg", "a=1", "--arg", "b:=[1]"});
  EXPECT_EQ(line.parsed.connection.user, "operator");
  EXPECT_EQ(line.parsed.value("--user"), "alice");
  EXPECT_EQ(line.parsed.values("--arg"), (std::vector<std::string>{"a=1", "b:=[1]"}));
}

TEST(CliHeraldCommandLine, Positionals) {
  auto assign = parse({"groups", "assign", "web", "id-1", "id-2"});
  EXPECT_EQ(assign.parsed.positionals, (std::vector<std::string>{"web", "id-1", "id-2"}));
  auto dashed = parse({"orders", "show", "--", "-1"});
  EXPECT_EQ(dashed.parsed.positionals, (std::vector<std::string>{"-1"}));
  auto stdin_file = parse({"commands", "send", "--file", "-"});
  EXPECT_EQ(stdin_file.parsed.value("--file"), "-");
}

TEST(CliHeraldCommandLine, Help) {
  EXPECT_EQ(parse({"--help"}).kind, CommandLine::Kind::help);
  auto group = parse({"orders", "--help"});
  EXPECT_EQ(group.kind, CommandLine::Kind::help);
  EXPECT_EQ(group.group, "orders");
  EXPECT_EQ(group.parsed.spec, nullptr);
  auto command = parse({"orders", "watch", "-h"});
  EXPECT_EQ(command.kind, CommandLine::Kind::help);
  ASSERT_NE(command.parsed.spec, nullptr);
  EXPECT_EQ(command.parsed.spec->verb, "watch");
  EXPECT_EQ(parse({}).kind, CommandLine::Kind::usage_error);
  EXPECT_EQ(parse({"agents"}).kind, CommandLine::Kind::usage_error);
  EXPECT_EQ(parse({"--version"}).kind, CommandLine::Kind::version);
}

TEST(CliHeraldCommandLine, ArgumentErrors) {
  EXPECT_NE(bad_arguments_message({"agent", "list"}).find("unknown command 'agent'"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "lst"}).find("unknown command 'herald agents lst'"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "list", "--colour"}).find("unknown option --colour"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "list", "--status"}).find("--status needs a value"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "list", "--status", "a", "--status", "b"}).find("given twice"),
            std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "show"}).find("usage: herald agents show <id>"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "show", "a", "b"}).find("usage:"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"groups", "assign", "web"}).find("usage:"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"--bogus", "agents", "list"}).find("unknown option --bogus"), std::string::npos);
  EXPECT_NE(bad_arguments_message({"agents", "list", "--json=1"}).find("unknown option"), std::string::npos);
}

TEST(CliHeraldRun, ExitCodesForHelpAndBadArguments) {
  auto help = run({"--help"});
  EXPECT_EQ(help.status, 0);
  for (const char* command : {"agents list", "groups assign", "commands send", "orders watch"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
  auto nothing = run({});
  EXPECT_EQ(nothing.status, 2);
  EXPECT_NE(nothing.err.find("Commands:"), std::string::npos);
  auto command_help = run({"commands", "send", "--help"});
  EXPECT_EQ(command_help.status, 0);
  EXPECT_NE(command_help.out.find("--target TARGET"), std::string::npos) << command_help.out;
  auto unknown = run({"agents", "frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err.rfind("herald: unknown command", 0), 0u) << unknown.err;
  EXPECT_EQ(run({"--version"}).status, 0);
}

TEST(CliHeraldRun, BadOptionValuesAreExitTwoBeforeAnyRequest) {
  // No server at port 1: these must fail on their arguments first.
  std::vector<std::vector<std::string>> cases{
      {"agents", "list", "--limit", "0"},
      {"agents", "list", "--limit", "ten"},
      {"orders", "watch", "abc"},
      {"orders", "watch", "12", "--interval", "soon"},
      {"orders", "watch", "12", "--timeout", "-5s"},
      {"commands", "send", "--action", "restart"},
      {"commands", "send", "--target", "host:x", "--action", "restart"},
      {"commands", "send", "--target", "agent:x", "--action", "restart", "--timeout", "1.5"},
      {"commands", "send", "--file", "-", "--action", "restart"},
  };
  for (auto args : cases) {
    args.insert(args.end(), {"--url", "http://127.0.0.1:1", "--password", "x"});
    auto result = run(args);
    EXPECT_EQ(result.status, 2) << args[0] << " " << args[1] << " " << args[2] << ": " << result.err;
  }
  auto not_json = run({"commands", "send", "--file", "-", "--url", "http://127.0.0.1:1", "--password", "x"}, "{oops");
  EXPECT_EQ(not_json.status, 2);
  EXPECT_NE(not_json.err.find("standard input is not valid JSON"), std::string::npos) << not_json.err;
}

TEST(CliHeraldRun, MissingPasswordIsExitTwoServerTroubleExitOne) {
  auto no_password = run({"agents", "list"});
  EXPECT_EQ(no_password.status, 2);
  EXPECT_NE(no_password.err.find("no password"), std::string::npos);
  auto unreachable = run({"agents", "list", "--url", "http://127.0.0.1:1", "--password", "x"});
  EXPECT_EQ(unreachable.status, 1);
  EXPECT_NE(unreachable.err.find("cannot connect to http://127.0.0.1:1"), std::string::npos) << unreachable.err;
}

TEST(CliCommandBody, BuildsOneCommandFromFlags) {
  CommandFlags flags;
  flags.target = "group:web";
  flags.action = "set-group";
  flags.args = {"groups:=[\"web\",\"db\"]", "note=a=b"};
  flags.timeout = "5m";
  flags.user = "alice";
  EXPECT_EQ(build_command_body(flags),
            R"({"commands":[{"source":"Users/Services","user":"alice","target":{"type":"group","id":"web"},)"
            R"("action":{"name":"set-group","args":{"groups":["web","db"],"note":"a=b"},"version":"5.0.0"},)"
            R"("timeout":300}]})");
}

TEST(CliCommandBody, TargetsArgsAndTimeouts) {
  CommandFlags flags;
  flags.action = "update";
  flags.target = "server:vulnerability-detector";
  flags.args = {"index=content-index", "offset=1111"};  // text stays text, as update requires
  flags.timeout = "100";
  auto body = build_command_body(flags);
  EXPECT_NE(body.find(R"("target":{"type":"server","id":"vulnerability-detector"})"), std::string::npos);
  EXPECT_NE(body.find(R"("args":{"index":"content-index","offset":"1111"})"), std::string::npos);
  EXPECT_NE(body.find(R"("timeout":100)"), std::string::npos);

  for (auto [target, arg, timeout] :
       {std::tuple{"agent", "a=1", "100"}, std::tuple{":x", "a=1", "100"}, std::tuple{"pod:x", "a=1", "100"},
        std::tuple{"agent:", "a=1", "100"}, std::tuple{"agent:x", "novalue", "100"}, std::tuple{"agent:x", "=v", "100"},
        std::tuple{"agent:x", "a:=[", "100"}, std::tuple{"agent:x", "a=1", "0"}, std::tuple{"agent:x", "a=1", "500ms"},
        std::tuple{"agent:x", "a=1", "x"}}) {
    SCOPED_TRACE(std::string(target) + " " + arg + " " + timeout);
    CommandFlags bad;
    bad.target = target;
    bad.action = "restart";
    bad.args = {arg};
    bad.timeout = timeout;
    EXPECT_THROW((void)build_command_body(bad), Failure);
  }
  CommandFlags duplicate;
  duplicate.target = "agent:x";
  duplicate.action = "restart";
  duplicate.args = {"a=1", "a:=2"};
  EXPECT_THROW((void)build_command_body(duplicate), Failure);
}

TEST(CliDurations, ParsesWhatOperatorsType) {
  using std::chrono::milliseconds;
  EXPECT_EQ(parse_duration("0.5s"), milliseconds(500));
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("2"), milliseconds(2000));
  EXPECT_EQ(parse_duration("1.5"), milliseconds(1500));
  EXPECT_EQ(parse_duration("2m"), milliseconds(120'000));
  EXPECT_EQ(parse_duration("1h"), milliseconds(3'600'000));
  EXPECT_EQ(parse_duration("1d"), milliseconds(86'400'000));
  for (const char* bad : {"", "s", ".", "1..2s", "-1s", "1 s", "1w", "abc", "1e3"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
  EXPECT_EQ(format_elapsed(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_elapsed(milliseconds(125'000)), "2m05s");
  EXPECT_EQ(format_elapsed(milliseconds(3'660'000)), "1h01m");
}

}  // namespace
}  // namespace herald::cli
