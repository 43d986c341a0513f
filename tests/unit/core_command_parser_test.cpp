// Command Manager request validation (wire-protocol (a)): every row of the upstream error table,
// Herald's deliberate improvements, the per-action normalization of args, and robustness.
#include "core/command_parser.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace herald::core {
namespace {

namespace json = boost::json;
using Format = CommandParseError::Format;

// A valid agent command; each case edits one piece of it.
constexpr const char* kValidAction = R"("action":{"name":"restart","args":{},"version":"6.0.0"})";
constexpr const char* kValidTarget = R"("target":{"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","type":"agent"})";

std::string wrap(const std::string& command) { return R"({"commands":[)" + command + "]}"; }

// {"commands":[{<action>, source, user, timeout, <target>}]}
std::string with(const std::string& action, const std::string& target, const std::string& timeout = "100",
                 const std::string& source = R"("source":"Users/Services")") {
  return wrap("{" + action + "," + source + R"(,"user":"Management API","timeout":)" + timeout + "," + target +
              "}");
}
std::string with_args(const std::string& name, const std::string& args, const std::string& target = kValidTarget) {
  return with(R"("action":{"name":")" + name + R"(","args":)" + args + R"(,"version":"6.0.0"})", target);
}
constexpr const char* kServerVd = R"("target":{"id":"vulnerability-detector","type":"server"})";

struct ErrorCase {
  std::string name;
  std::string body;
  Format format;
  std::string type;  // "" for plain text
  std::string message;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

// Both helpers return copies: the ParsedCommands argument is usually a temporary.
CommandParseError expect_error(const ParsedCommands& parsed) {
  if (const auto* error = std::get_if<CommandParseError>(&parsed)) return *error;
  ADD_FAILURE() << "expected an error, got " << std::get<std::vector<Command>>(parsed).size() << " command(s)";
  return {Format::plain_text, "", "<parsed successfully>"};
}

std::vector<Command> expect_commands(const ParsedCommands& parsed) {
  if (const auto* commands = std::get_if<std::vector<Command>>(&parsed)) return *commands;
  const auto& error = std::get<CommandParseError>(parsed);
  ADD_FAILURE() << "expected commands, got error " << error.type << ": " << error.message;
  return {};
}

ErrorCase plain(std::string name, std::string body, std::string message) {
  return {std::move(name), std::move(body), Format::plain_text, "", std::move(message)};
}
ErrorCase illegal(std::string name, std::string body, std::string message) {
  return {std::move(name), std::move(body), Format::indexer_error, "illegal_argument_exception", std::move(message)};
}

const std::string kBody = "Body content is required";
const std::string kNone = "No commands provided.";

std::vector<ErrorCase> error_cases() {
  const std::string src = R"("source":"S")";
  const std::string act = kValidAction;
  const std::string tgt = kValidTarget;
  return {
      // --- no body / no commands (plain text) ---
      plain("EmptyBody", "", kBody),
      plain("WhitespaceBody", " \t\r\n  ", kBody),
      plain("CommandsNotArray", R"({"commands":{}})", kNone),
      plain("CommandsString", R"({"commands":"x"})", kNone),
      plain("CommandsNull", R"({"commands":null})", kNone),
      plain("EmptyArray", R"({"commands":[]})", kNone),
      plain("MissingCommandsKey", R"({"orders":[{"source":"x"}]})", kNone),
      plain("EmptyObject", R"({})", kNone),

      // --- missing arguments, in the order source, target, timeout, action ---
      illegal("MissingAll", wrap("{}"), "Missing arguments: [source, target, timeout, action]"),
      illegal("MissingAllButUser", wrap(R"({"user":"u"})"), "Missing arguments: [source, target, timeout, action]"),
      illegal("MissingSource", wrap("{" + act + R"(,"timeout":100,)" + tgt + "}"), "Missing arguments: [source]"),
      illegal("MissingTarget", wrap("{" + act + "," + src + R"(,"timeout":100})"), "Missing arguments: [target]"),
      illegal("MissingTimeout", wrap("{" + act + "," + src + "," + tgt + "}"), "Missing arguments: [timeout]"),
      illegal("MissingAction", wrap("{" + src + R"(,"timeout":100,)" + tgt + "}"), "Missing arguments: [action]"),
      illegal("MissingSourceAndTimeout", wrap("{" + act + "," + tgt + "}"), "Missing arguments: [source, timeout]"),
      illegal("MissingTargetAndAction", wrap("{" + src + R"(,"timeout":1})"), "Missing arguments: [target, action]"),
      illegal("MissingSourceTargetAction", wrap(R"({"timeout":1})"), "Missing arguments: [source, target, action]"),
      illegal("NullCountsAsMissing", wrap(R"({"source":null,"timeout":1,"action":null,)" + tgt + "}"),
              "Missing arguments: [source, action]"),
      illegal("UnknownKeysDoNotCount", wrap(R"({"foo":1,"bar":{}})"),
              "Missing arguments: [source, target, timeout, action]"),

      // --- target.type ---
      illegal("BadTargetType", with(act, R"("target":{"id":"x","type":"host"})"), "Invalid type: host"),
      illegal("EmptyTargetType", with(act, R"("target":{"id":"x","type":""})"), "Invalid type: "),
      illegal("NumericTargetType", with(act, R"("target":{"id":"x","type":5})"), "Invalid type: 5"),

      // --- update: target rules ---
      illegal("UpdateAgentTarget", with_args("update", R"({"index":"i","offset":"1"})"),
              "Expected [command.target.type] to contain [server] value, got [AGENT]"),
      illegal("UpdateGroupTarget", with_args("update", R"({"index":"i","offset":"1"})", R"("target":{"id":"g","type":"group"})"),
              "Expected [command.target.type] to contain [server] value, got [GROUP]"),
      illegal("UpdateAgentTargetNoArgs", with(R"("action":{"name":"update"})", tgt),
              "Expected [command.target.type] to contain [server] value, got [AGENT]"),
      illegal("UpdateWrongServerId",
              with_args("update", R"({"index":"i","offset":"1"})", R"("target":{"id":"rbac","type":"server"})"),
              "Expected [command.target.id] to contain [vulnerability-detector] value, got [rbac]"),
      illegal("UpdateMissingServerId", with_args("update", R"({"index":"i","offset":"1"})", R"("target":{"type":"server"})"),
              "Expected [command.target.id] to contain [vulnerability-detector] value, got []"),

      // --- update: args rules ---
      illegal("UpdateNoIndex", with_args("update", R"({"offset":"1"})", kServerVd),
              "Expected [command.action.args] to contain the [index] and [offset] keys"),
      illegal("UpdateNoOffset", with_args("update", R"({"index":"i"})", kServerVd),
              "Expected [command.action.args] to contain the [index] and [offset] keys"),
      illegal("UpdateEmptyArgs", with_args("update", R"({})", kServerVd),
              "Expected [command.action.args] to contain the [index] and [offset] keys"),
      illegal("UpdateIndexNotText", with_args("update", R"({"index":1,"offset":"1"})", kServerVd),
              "Expected [command.action.args] to be an field or a text value, got [index]"),
      illegal("UpdateOffsetNotText", with_args("update", R"({"index":"i","offset":1111})", kServerVd),
              "Expected [command.action.args] to be an field or a text value, got [offset]"),
      illegal("UpdateOffsetArray", with_args("update", R"({"index":"i","offset":["1"]})", kServerVd),
              "Expected [command.action.args] to be an field or a text value, got [offset]"),
      illegal("UpdateArgsNotObject", with_args("update", R"("x")", kServerVd),
              "Expected [command.action.args] to be an object, got [VALUE_STRING]"),

      // --- set-group rules ---
      illegal("SetGroupOtherKey", with_args("set-group", R"({"group":["a"]})"),
              "Expected [command.action.args] to contain the [groups] key, got [group]"),
      illegal("SetGroupExtraKey", with_args("set-group", R"({"groups":["a"],"x":1})"),
              "Expected [command.action.args] to contain the [groups] key, got [x]"),
      illegal("SetGroupEmptyArgs", with_args("set-group", R"({})"),
              "Expected [command.action.args] to contain the [groups] key, got []"),
      illegal("SetGroupGroupsString", with_args("set-group", R"({"groups":"g1"})"),
              "Expected [command.action.args.groups] to be an array, got [VALUE_STRING]"),
      illegal("SetGroupGroupsNull", with_args("set-group", R"({"groups":null})"),
              "Expected [command.action.args.groups] to be an array, got [VALUE_NULL]"),
      illegal("SetGroupGroupsObject", with_args("set-group", R"({"groups":{}})"),
              "Expected [command.action.args.groups] to be an array, got [START_OBJECT]"),
      illegal("SetGroupNumberItem", with_args("set-group", R"({"groups":["a",1]})"),
              "Expected [command.action.args.groups] to be an array of strings only, got [VALUE_NUMBER]"),
      illegal("SetGroupBoolItem", with_args("set-group", R"({"groups":[true]})"),
              "Expected [command.action.args.groups] to be an array of strings only, got [VALUE_TRUE]"),
      illegal("SetGroupNullItem", with_args("set-group", R"({"groups":[null]})"),
              "Expected [command.action.args.groups] to be an array of strings only, got [VALUE_NULL]"),
      illegal("SetGroupArgsString", with_args("set-group", R"("g1")"),
              "Expected [command.action.args] to be an object, got [VALUE_STRING]"),
      illegal("SetGroupArgsArray", with_args("set-group", R"(["g1"])"),
              "Expected [command.action.args] to be an object, got [START_ARRAY]"),
      illegal("SetGroupArgsNumber", with_args("set-group", "7"),
              "Expected [command.action.args] to be an object, got [VALUE_NUMBER]"),
      illegal("GenericArgsArray", with_args("restart", "[1]"),
              "Expected [command.action.args] to be an object, got [START_ARRAY]"),
      illegal("GenericArgsFalse", with_args("restart", "false"),
              "Expected [command.action.args] to be an object, got [VALUE_FALSE]"),

      // --- Herald: timeout is an integer in 1..32767 ---
      illegal("TimeoutZero", with(act, tgt, "0"), "Expected [command.timeout] to be an integer between 1 and 32767, got [0]"),
      illegal("TimeoutNegative", with(act, tgt, "-1"),
              "Expected [command.timeout] to be an integer between 1 and 32767, got [-1]"),
      illegal("TimeoutAboveShort", with(act, tgt, "32768"),
              "Expected [command.timeout] to be an integer between 1 and 32767, got [32768]"),
      illegal("TimeoutFraction", with(act, tgt, "1.5"),
              "Expected [command.timeout] to be an integer between 1 and 32767, got [1.5E0]"),
      illegal("TimeoutString", with(act, tgt, R"("100")"),
              "Expected [command.timeout] to be an integer between 1 and 32767, got [\"100\"]"),
      illegal("TimeoutHuge", with(act, tgt, "18446744073709551615"),
              "Expected [command.timeout] to be an integer between 1 and 32767, got [18446744073709551615]"),

      // --- Herald: a non-update target without type is a 400, not upstream's 500 ---
      illegal("TargetWithoutType", with(act, R"("target":{"id":"x"})"), "Missing arguments: [target.type]"),
      illegal("TargetWithNullType", with(act, R"("target":{"id":"x","type":null})"), "Missing arguments: [target.type]"),

      // --- the first failing command decides ---
      illegal("SecondCommandInvalid",
              R"({"commands":[{"action":{"name":"restart"},"source":"s","timeout":1,"target":{"type":"agent","id":"a"}},)"
              R"({"action":{"name":"restart"},"timeout":1,"target":{"type":"agent","id":"a"}}]})",
              "Missing arguments: [source]"),

      // --- body is not an object, or not JSON: parsing_exception ---
      {"BodyIsArray", R"([{"commands":[]}])", Format::indexer_error, "parsing_exception", ""},
      {"BodyIsString", R"("commands")", Format::indexer_error, "parsing_exception", ""},
      {"BodyIsNumber", "42", Format::indexer_error, "parsing_exception", ""},
      {"BodyIsNull", "null", Format::indexer_error, "parsing_exception", ""},
      {"InvalidJson", R"({"commands":[)", Format::indexer_error, "parsing_exception", ""},
      {"TrailingGarbage", R"({"commands":[]} x)", Format::indexer_error, "parsing_exception", ""},
      {"NotJsonAtAll", "commands=1", Format::indexer_error, "parsing_exception", ""},
  };
}

class CoreCommandParserErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CoreCommandParserErrors, ReturnsExactError) {
  const ErrorCase& c = GetParam();
  SCOPED_TRACE(c.body);
  const auto error = expect_error(parse_commands(c.body));
  EXPECT_EQ(error.format, c.format);
  EXPECT_EQ(error.type, c.type);
  // parsing_exception messages are Herald's own wording; only the type is contractual.
  if (c.type != "parsing_exception") {
    EXPECT_EQ(error.message, c.message);
  } else {
    EXPECT_FALSE(error.message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(CoreUpstreamErrorTable, CoreCommandParserErrors, ::testing::ValuesIn(error_cases()),
                         [](const auto& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------
// Successes.

Command parse_one(const std::string& body) {
  SCOPED_TRACE(body);
  const auto commands = expect_commands(parse_commands(body));
  if (commands.size() != 1) {
    ADD_FAILURE() << "expected one command, got " << commands.size();
    return {};
  }
  return commands.front();
}

json::value args_of(const Command& command) { return json::parse(command.action.args_json); }

TEST(CoreCommandParser, ParsesTheCanonicalRequest) {
  auto command = parse_one(
      R"({"commands":[{"action":{"name":"set-group","args":{"groups":["g1","g2"]},"version":"6.0.0"},)"
      R"("source":"Users/Services","user":"Management API","timeout":100,)"
      R"("target":{"id":"d5b250c4-dfa1-4d94-827f-9f99210dbe6c","type":"agent"}}]})");
  EXPECT_EQ(command.source, "Users/Services");
  EXPECT_EQ(command.user, std::optional<std::string>("Management API"));
  EXPECT_EQ(command.target.type, TargetType::agent);
  EXPECT_EQ(command.target.id, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
  EXPECT_EQ(command.action.name, "set-group");
  EXPECT_EQ(command.action.version, std::optional<std::string>("6.0.0"));
  EXPECT_EQ(args_of(command), json::parse(R"({"groups":["g1","g2"]})"));
  EXPECT_EQ(command.timeout_seconds, 100);
}

TEST(CoreCommandParser, ParsesSeveralCommandsInOrder) {
  const auto commands = expect_commands(parse_commands(
      R"({"commands":[{"action":{"name":"restart"},"source":"a","timeout":1,"target":{"type":"agent","id":"x"}},)"
      R"({"action":{"name":"fetch-config"},"source":"b","timeout":2,"target":{"type":"group","id":"g"}},)"
      R"({"action":{"name":"refresh"},"source":"c","timeout":3,"target":{"type":"server","id":"rbac"}}]})"));
  ASSERT_EQ(commands.size(), 3u);
  EXPECT_EQ(commands[0].source, "a");
  EXPECT_EQ(commands[1].target.type, TargetType::group);
  EXPECT_EQ(commands[1].timeout_seconds, 2);
  EXPECT_EQ(commands[2].target.type, TargetType::server);
  EXPECT_EQ(commands[2].target.id, "rbac");
}

TEST(CoreCommandParser, UserIsOptional) {
  auto command = parse_one(wrap(std::string("{") + kValidAction + R"(,"source":"s","timeout":5,)" + kValidTarget + "}"));
  EXPECT_EQ(command.user, std::nullopt);
  auto with_null = parse_one(
      wrap(std::string("{") + kValidAction + R"(,"source":"s","user":null,"timeout":5,)" + kValidTarget + "}"));
  EXPECT_EQ(with_null.user, std::nullopt);
}

TEST(CoreCommandParser, VersionIsOptional) {
  EXPECT_EQ(parse_one(with(R"("action":{"name":"restart"})", kValidTarget)).action.version, std::nullopt);
  EXPECT_EQ(parse_one(with(R"("action":{"name":"restart","version":null})", kValidTarget)).action.version,
            std::nullopt);
}

TEST(CoreCommandParser, UnknownKeysAreSkipped) {
  auto command = parse_one(wrap(std::string("{\"extra\":[1,2],") + kValidAction +
                                R"(,"source":"s","timeout":5,"whatever":{"a":null},)" + kValidTarget + "}"));
  EXPECT_EQ(command.source, "s");
}

TEST(CoreCommandParser, HeraldAcceptsTargetBeforeAction) {
  // Upstream: "Expected [command.action] to be provided before [command.target]".
  auto command = parse_one(wrap(std::string("{") + kValidTarget + R"(,"source":"s","timeout":5,)" + kValidAction + "}"));
  EXPECT_EQ(command.action.name, "restart");
  EXPECT_EQ(command.target.id, "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
}

TEST(CoreCommandParser, HeraldAcceptsArgsBeforeName) {
  // Upstream: "Expected [command.action.name] to be provided before [command.action.args]".
  auto command = parse_one(with(R"("action":{"args":{"groups":["g"]},"version":"1","name":"set-group"})", kValidTarget));
  EXPECT_EQ(command.action.name, "set-group");
  EXPECT_EQ(args_of(command), json::parse(R"({"groups":["g"]})"));
}

TEST(CoreCommandParser, HeraldAcceptsTheServersFieldOrder) {
  // wire-protocol (f)1: the server serializes source, user, target, action, timeout.
  auto command = parse_one(
      R"({"commands":[{"source":"Users/Services","user":"Management API","target":{"id":"a","type":"agent"},)"
      R"("action":{"name":"restart","args":{},"version":"5.0.0"},"timeout":100}]})");
  EXPECT_EQ(command.action.version, std::optional<std::string>("5.0.0"));
}

TEST(CoreCommandParser, TimeoutBoundsAreAccepted) {
  EXPECT_EQ(parse_one(with(kValidAction, kValidTarget, "1")).timeout_seconds, 1);
  EXPECT_EQ(parse_one(with(kValidAction, kValidTarget, "32767")).timeout_seconds, 32767);
}

TEST(CoreCommandParser, TimeoutErrorsAreIllegalArgument400) {
  for (const char* timeout : {"0", "-1", "32768", "1.5", R"("100")", "true", "[]", "{}", "1e3"}) {
    SCOPED_TRACE(timeout);
    const auto error = expect_error(parse_commands(with(kValidAction, kValidTarget, timeout)));
    EXPECT_EQ(error.format, Format::indexer_error);
    EXPECT_EQ(error.type, "illegal_argument_exception");
    EXPECT_EQ(error.message.rfind("Expected [command.timeout] to be an integer between 1 and 32767, got [", 0), 0u)
        << error.message;
  }
}

TEST(CoreCommandParser, TargetTypeIsCaseInsensitive) {
  EXPECT_EQ(parse_one(with(kValidAction, R"("target":{"id":"a","type":"AGENT"})")).target.type, TargetType::agent);
  EXPECT_EQ(parse_one(with(kValidAction, R"("target":{"id":"g","type":"Group"})")).target.type, TargetType::group);
  EXPECT_EQ(parse_one(with(kValidAction, R"("target":{"id":"s","type":"sErVeR"})")).target.type, TargetType::server);
}

TEST(CoreCommandParser, MissingTargetIdBecomesEmpty) {
  EXPECT_EQ(parse_one(with(kValidAction, R"("target":{"type":"agent"})")).target.id, "");
  EXPECT_EQ(parse_one(with(kValidAction, R"("target":{"type":"agent","id":null})")).target.id, "");
}

TEST(CoreCommandParser, ArgsAbsentOrNullAreStoredAsEmptyObject) {
  for (const char* name : {"restart", "set-group", "fetch-config", "refresh", "custom-thing"}) {
    SCOPED_TRACE(name);
    auto absent = parse_one(with(std::string(R"("action":{"name":")") + name + R"("})", kValidTarget));
    EXPECT_EQ(absent.action.args_json, "{}");
    auto null = parse_one(with(std::string(R"("action":{"name":")") + name + R"(","args":null})", kValidTarget));
    EXPECT_EQ(null.action.args_json, "{}");
  }
}

TEST(CoreCommandParser, SetGroupDropsEmptyNamesAndAllowsEmptyArray) {
  EXPECT_EQ(args_of(parse_one(with_args("set-group", R"({"groups":["", "g1", "", "g2"]})"))),
            json::parse(R"({"groups":["g1","g2"]})"));
  EXPECT_EQ(args_of(parse_one(with_args("set-group", R"({"groups":[]})"))), json::parse(R"({"groups":[]})"));
  EXPECT_EQ(args_of(parse_one(with_args("set-group", R"({"groups":[""]})"))), json::parse(R"({"groups":[]})"));
}

TEST(CoreCommandParser, FetchConfigArgsAreIgnored) {
  EXPECT_EQ(parse_one(with_args("fetch-config", R"({"groups":["a"],"x":true})")).action.args_json, "{}");
  // Ignored means ignored: not even their type is checked.
  EXPECT_EQ(parse_one(with_args("fetch-config", R"(["a"])")).action.args_json, "{}");
  EXPECT_EQ(parse_one(with_args("fetch-config", R"("text")")).action.args_json, "{}");
}

TEST(CoreCommandParser, UpdateKeepsIndexAndOffset) {
  EXPECT_EQ(args_of(parse_one(with_args("update", R"({"index":"content-index","offset":"1111","extra":1})", kServerVd))),
            json::parse(R"({"index":"content-index","offset":"1111"})"));
}

TEST(CoreCommandParser, UpdateServerIdIsCaseInsensitive) {
  auto command = parse_one(with_args("update", R"({"index":"i","offset":"0"})",
                                     R"("target":{"id":"Vulnerability-DETECTOR","type":"SERVER"})"));
  EXPECT_EQ(command.target.type, TargetType::server);
  EXPECT_EQ(command.target.id, "Vulnerability-DETECTOR");
}

TEST(CoreCommandParser, UpdateWithoutArgsStoresEmptyObject) {
  // wire-protocol (a): "Args rules apply only when args is present".
  EXPECT_EQ(parse_one(with(R"("action":{"name":"update"})", kServerVd)).action.args_json, "{}");
}

TEST(CoreCommandParser, RefreshNormalizesIndex) {
  const std::string rbac = R"("target":{"id":"rbac","type":"server"})";
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({"index":"x"})", rbac))), json::parse(R"({"index":["x"]})"));
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({"index":["a",1,null,"b",true,{"c":1},["d"]]})", rbac))),
            json::parse(R"({"index":["a","b"]})"));
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({"index":["a"],"other":"dropped"})", rbac))),
            json::parse(R"({"index":["a"]})"));
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({"other":"dropped"})", rbac))), json::parse("{}"));
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({})", rbac))), json::parse("{}"));
  EXPECT_EQ(args_of(parse_one(with_args("refresh", R"({"index":[]})", rbac))), json::parse(R"({"index":[]})"));
}

TEST(CoreCommandParser, GenericActionsCopyArgsWithUpstreamQuirks) {
  EXPECT_EQ(args_of(parse_one(with_args("restart", R"({})"))), json::parse("{}"));
  EXPECT_EQ(args_of(parse_one(with_args("restart", R"({"a":null,"b":true,"c":false,"d":1,"e":"x","f":2.5})"))),
            json::parse(R"({"a":"","d":1,"e":"x","f":2.5})"));
  // Nested objects and arrays follow the same rules.
  EXPECT_EQ(args_of(parse_one(with_args("my-custom-action",
                                        R"({"o":{"x":true,"y":null,"z":{"deep":false,"keep":"k"}},"l":[true,null,1,[false,"s"]]})"))),
            json::parse(R"({"o":{"y":"","z":{"keep":"k"}},"l":["",1,["s"]]})"));
}

// ---------------------------------------------------------------------------------------------
// Robustness: random and mutated bodies never crash and always yield commands or an error.

TEST(CoreCommandParserFuzz, RandomAndMutatedBodiesNeverCrash) {
  std::mt19937 rng(20250328);
  const std::vector<std::string> seeds = {
      with(kValidAction, kValidTarget),
      with_args("set-group", R"({"groups":["g1","","g2"]})"),
      with_args("update", R"({"index":"i","offset":"1"})", kServerVd),
      with_args("refresh", R"({"index":["a","b"]})", R"("target":{"id":"rbac","type":"server"})"),
      with_args("restart", R"({"a":[null,true,{"b":[1,2,{"c":null}]}]})"),
      R"({"commands":[]})",
  };
  const std::string alphabet = "{}[]\":,0123456789-.eE truefalsnl\\\x01\xff";
  std::size_t successes = 0;
  std::size_t errors = 0;
  for (int i = 0; i < 600; ++i) {
    std::string body = seeds[rng() % seeds.size()];
    if (i % 5 == 4) {
      // Pure noise.
      body.clear();
      for (std::size_t n = rng() % 64; n > 0; --n) body += alphabet[rng() % alphabet.size()];
    } else {
      for (int m = 1 + static_cast<int>(rng() % 4); m > 0 && !body.empty(); --m) {
        std::size_t at = rng() % body.size();
        switch (rng() % 4) {
          case 0: body[at] = alphabet[rng() % alphabet.size()]; break;       // flip
          case 1: body.erase(at, 1 + rng() % 8); break;                      // delete
          case 2: body.insert(at, 1, alphabet[rng() % alphabet.size()]); break;  // insert
          case 3: body.insert(at, body.substr(at, rng() % 16)); break;       // duplicate
        }
      }
    }
    SCOPED_TRACE(body);
    auto parsed = parse_commands(body);
    if (const auto* commands = std::get_if<std::vector<Command>>(&parsed)) {
      ++successes;
      ASSERT_FALSE(commands->empty());
      for (const auto& command : *commands) {
        EXPECT_GE(command.timeout_seconds, 1);
        EXPECT_LE(command.timeout_seconds, kMaxTimeoutSeconds);
        EXPECT_FALSE(command.action.name.empty());
        json::error_code ec;
        auto args = json::parse(command.action.args_json, ec);
        EXPECT_FALSE(ec) << command.action.args_json;
        EXPECT_TRUE(args.is_object()) << command.action.args_json;
      }
    } else {
      ++errors;
      const auto& error = std::get<CommandParseError>(parsed);
      EXPECT_FALSE(error.message.empty());
      if (error.format == Format::plain_text) {
        EXPECT_TRUE(error.message == kBody || error.message == kNone) << error.message;
      } else {
        EXPECT_TRUE(error.type == "illegal_argument_exception" || error.type == "parsing_exception") << error.type;
      }
    }
  }
  EXPECT_EQ(successes + errors, 600u);
  EXPECT_GT(successes, 0u);
  EXPECT_GT(errors, 0u);
}

// Found by tests/fuzz/fuzz_command_parser: 1e999 parsed as infinity and was stored as
// {"n":Infinity}, which is not JSON (the agent then got {} for args).
TEST(CoreCommandParserFuzz, NumbersTooLargeForADoubleAreRejected) {
  for (const char* args : {R"({"n":1.5e600})", R"({"list":[1,-1e999]})", R"({"o":{"deep":[{"x":1e400}]}})"}) {
    const auto error = expect_error(parse_commands(with_args("restart", args)));
    EXPECT_EQ(error.type, "illegal_argument_exception") << args;
    EXPECT_NE(error.message.find("to be a number within the range of a double"), std::string::npos) << error.message;
  }
  const auto commands = expect_commands(parse_commands(with_args("restart", R"({"n":1.7e308,"m":-1e-400})")));
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(json::parse(commands[0].action.args_json), json::parse(R"({"n":1.7e308,"m":-0.0})"));
}

TEST(CoreCommandParserFuzz, DeepNestingIsRejectedNotOverflowed) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto parsed = parse_commands(deep);
  ASSERT_TRUE(std::holds_alternative<CommandParseError>(parsed));
  EXPECT_EQ(std::get<CommandParseError>(parsed).type, "parsing_exception");

  std::string nested_args = "{";
  for (int i = 0; i < 20; ++i) nested_args += R"("k":{)";
  nested_args += R"("leaf":true)";
  for (int i = 0; i < 20; ++i) nested_args += "}";
  nested_args += "}";
  auto deep_args = parse_commands(with_args("restart", nested_args));
  EXPECT_TRUE(std::holds_alternative<std::vector<Command>>(deep_args) ||
              std::holds_alternative<CommandParseError>(deep_args));
}

}  // namespace
}  // namespace herald::core
