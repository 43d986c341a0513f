// herald/agent_control connection settings: flags > environment > client config file > defaults.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "cli/client_config.h"
#include "cli/connection_options.h"
#include "cli/connection_settings.h"
#include "cli/failure.h"
#include "support/temp_dir.h"

namespace herald::cli {
namespace {

using test::TempDir;

EnvironmentLookup environment_of(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

// Flags with only the named members set (designated initializers would trip
// -Wmissing-field-initializers on g++ 12).
ConnectionFlags flags_with(std::map<std::string, std::string> values, bool insecure = false) {
  ConnectionFlags flags;
  for (const auto& [key, value] : values) {
    if (key == "url") flags.url = value;
    if (key == "user") flags.user = value;
    if (key == "password") flags.password = value;
    if (key == "ca_file") flags.ca_file = value;
    if (key == "config") flags.config_path = value;
  }
  flags.insecure = insecure;
  return flags;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Runs `action` and returns the Failure's exit code and message (fails the test if none).
template <class Action>
std::pair<ExitCode, std::string> failure_of(Action action) {
  try {
    action();
  } catch (const Failure& failure) {
    return {failure.code(), failure.what()};
  }
  ADD_FAILURE() << "no Failure thrown";
  return {ExitCode::ok, ""};
}

TEST(CliConnectionSettings, DefaultsNeedOnlyAPassword) {
  auto settings = resolve_connection_settings({}, environment_of({{"HERALD_PASSWORD", "pw"}}));
  EXPECT_EQ(settings.url, "http://127.0.0.1:55000");
  EXPECT_EQ(settings.user, "admin");
  EXPECT_EQ(settings.password, "pw");
  EXPECT_FALSE(settings.insecure);
  EXPECT_EQ(settings.ca_file, "");
}

TEST(CliConnectionSettings, FlagsBeatEnvironmentWhichBeatsTheFile) {
  TempDir dir;
  auto config = dir.file("client.yml");
  write_file(config, "url: https://file:1\nuser: file-user\npassword: file-pw\ninsecure: true\nca_file: /file.pem\n");

  // Only the file.
  auto from_file = resolve_connection_settings(flags_with({{"config", config}}), environment_of({}));
  EXPECT_EQ(from_file.url, "https://file:1");
  EXPECT_EQ(from_file.user, "file-user");
  EXPECT_EQ(from_file.password, "file-pw");
  EXPECT_TRUE(from_file.insecure);
  EXPECT_EQ(from_file.ca_file, "/file.pem");

  // The environment overrides the file.
  auto environment = environment_of({{"HERALD_URL", "http://env:2"},
                                     {"HERALD_USER", "env-user"},
                                     {"HERALD_PASSWORD", "env-pw"},
                                     {"HERALD_CONFIG", config}});
  auto from_env = resolve_connection_settings({}, environment);
  EXPECT_EQ(from_env.url, "http://env:2");
  EXPECT_EQ(from_env.user, "env-user");
  EXPECT_EQ(from_env.password, "env-pw");
  EXPECT_EQ(from_env.ca_file, "/file.pem");

  // Flags override both.
  auto flags =
      flags_with({{"url", "http://flag:3"}, {"user", "flag-user"}, {"password", "flag-pw"}, {"ca_file", "/flag.pem"}});
  auto from_flags = resolve_connection_settings(flags, environment);
  EXPECT_EQ(from_flags.url, "http://flag:3");
  EXPECT_EQ(from_flags.user, "flag-user");
  EXPECT_EQ(from_flags.password, "flag-pw");
  EXPECT_EQ(from_flags.ca_file, "/flag.pem");
}

TEST(CliConnectionSettings, EachSettingFallsBackOnItsOwn) {
  TempDir dir;
  auto config = dir.file("client.yml");
  write_file(config, "user: file-user\npassword: file-pw\n");
  auto settings = resolve_connection_settings(flags_with({{"url", "http://flag:3"}, {"config", config}}),
                                              environment_of({{"HERALD_USER", "env-user"}}));
  EXPECT_EQ(settings.url, "http://flag:3");
  EXPECT_EQ(settings.user, "env-user");
  EXPECT_EQ(settings.password, "file-pw");
}

TEST(CliConnectionSettings, EmptyEnvironmentValuesCountAsUnset) {
  auto settings = resolve_connection_settings(
      {}, environment_of({{"HERALD_URL", ""}, {"HERALD_USER", ""}, {"HERALD_PASSWORD", "pw"}, {"HERALD_CONFIG", ""}}));
  EXPECT_EQ(settings.url, "http://127.0.0.1:55000");
  EXPECT_EQ(settings.user, "admin");
}

TEST(CliConnectionSettings, InsecureFlagWinsOverTheFile) {
  TempDir dir;
  auto config = dir.file("client.yml");
  write_file(config, "insecure: false\npassword: x\n");
  EXPECT_TRUE(resolve_connection_settings(flags_with({{"config", config}}, true), environment_of({})).insecure);
  EXPECT_FALSE(resolve_connection_settings(flags_with({{"config", config}}), environment_of({})).insecure);
}

TEST(CliConnectionSettings, ConfigFileChoice) {
  EXPECT_EQ(choose_config_file(flags_with({{"config", "/a.yml"}}), environment_of({{"HERALD_CONFIG", "/b.yml"}})).path,
            "/a.yml");
  auto from_env = choose_config_file({}, environment_of({{"HERALD_CONFIG", "/b.yml"}, {"HOME", "/home/x"}}));
  EXPECT_EQ(from_env.path, "/b.yml");
  EXPECT_TRUE(from_env.required);
  auto from_home = choose_config_file({}, environment_of({{"HOME", "/home/x"}}));
  EXPECT_EQ(from_home.path, "/home/x/.config/herald/client.yml");
  EXPECT_FALSE(from_home.required);
  EXPECT_EQ(choose_config_file({}, environment_of({})).path, "");
}

TEST(CliConnectionSettings, TheDefaultFileIsReadFromHome) {
  TempDir home;
  std::filesystem::create_directories(home.path() / ".config/herald");
  write_file((home.path() / ".config/herald/client.yml").string(), "url: http://home:4\npassword: home-pw\n");
  auto settings = resolve_connection_settings({}, environment_of({{"HOME", home.path().string()}}));
  EXPECT_EQ(settings.url, "http://home:4");
  EXPECT_EQ(settings.password, "home-pw");
}

TEST(CliConnectionSettings, AMissingDefaultFileIsFineAMissingNamedOneIsNot) {
  TempDir home;
  EXPECT_NO_THROW(
      resolve_connection_settings(flags_with({{"password", "x"}}), environment_of({{"HOME", home.path().string()}})));
  auto [code, message] = failure_of([&] {
    (void)resolve_connection_settings(flags_with({{"password", "x"}, {"config", home.file("nope.yml")}}),
                                      environment_of({}));
  });
  EXPECT_EQ(code, ExitCode::bad_arguments);
  EXPECT_NE(message.find("nope.yml does not exist"), std::string::npos) << message;
  auto [env_code, env_message] = failure_of([&] {
    (void)resolve_connection_settings(flags_with({{"password", "x"}}),
                                      environment_of({{"HERALD_CONFIG", home.file("gone.yml")}}));
  });
  EXPECT_EQ(env_code, ExitCode::bad_arguments);
  EXPECT_NE(env_message.find("gone.yml"), std::string::npos);
}

TEST(CliConnectionSettings, MissingPasswordIsAClearError) {
  TempDir home;
  auto [code, message] = failure_of([&] {
    (void)resolve_connection_settings({}, environment_of({{"HOME", home.path().string()}}));
  });
  EXPECT_EQ(code, ExitCode::bad_arguments);
  EXPECT_NE(message.find("no password for user 'admin'"), std::string::npos) << message;
  EXPECT_NE(message.find("HERALD_PASSWORD"), std::string::npos) << message;
  EXPECT_NE(message.find("--password"), std::string::npos) << message;
}

TEST(CliClientConfig, ParsesEveryKey) {
  auto config = parse_client_config(
      "url: https://h:55000\nuser: u\npassword: 'p: w'\ninsecure: yes\nca_file: /ca.pem\n", "client.yml");
  EXPECT_EQ(config.url, "https://h:55000");
  EXPECT_EQ(config.user, "u");
  EXPECT_EQ(config.password, "p: w");
  EXPECT_EQ(config.insecure, true);
  EXPECT_EQ(config.ca_file, "/ca.pem");
}

TEST(CliClientConfig, AnEmptyFileSetsNothing) {
  auto config = parse_client_config("", "client.yml");
  EXPECT_FALSE(config.url || config.user || config.password || config.insecure || config.ca_file);
  EXPECT_FALSE(parse_client_config("# only a comment\n", "client.yml").url);
}

TEST(CliClientConfig, ErrorsNameTheFileAndTheProblem) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  for (const auto& [yaml, expected] : {
           Case{"url: x\npasword: typo\n", "unknown key 'pasword'"},
           Case{"insecure: maybe\n", "'insecure' must be true or false"},
           Case{"user: [a, b]\n", "'user' must be a string"},
           Case{"- url\n", "expected a mapping"},
           Case{"just text\n", "expected a mapping"},
           Case{"url: [unclosed\n", "invalid YAML"},
       }) {
    SCOPED_TRACE(yaml);
    auto [code, message] = failure_of([&] { (void)parse_client_config(yaml, "/etc/client.yml"); });
    EXPECT_EQ(code, ExitCode::bad_arguments);
    EXPECT_NE(message.find("/etc/client.yml"), std::string::npos) << message;
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
}

TEST(CliClientConfig, ABrokenFileStopsResolution) {
  TempDir dir;
  auto config = dir.file("client.yml");
  write_file(config, "url: http://x\ncolour: blue\n");
  auto [code, message] = failure_of([&] {
    (void)resolve_connection_settings(flags_with({{"password", "x"}, {"config", config}}), environment_of({}));
  });
  EXPECT_EQ(code, ExitCode::bad_arguments);
  EXPECT_NE(message.find("unknown key 'colour'"), std::string::npos) << message;
}

TEST(CliConnectionOptions, ConsumesEachOptionWithItsValue) {
  std::vector<std::string> args{"--url",      "http://a:1", "--user=bob", "--password",      "pw",
                                "--insecure", "--ca-file",  "/ca.pem",    "--config=/c.yml", "--other"};
  ConnectionFlags flags;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    if (!consume_connection_option(args, i, flags)) break;
  }
  EXPECT_EQ(args[i], "--other");
  EXPECT_EQ(flags.url, "http://a:1");
  EXPECT_EQ(flags.user, "bob");
  EXPECT_EQ(flags.password, "pw");
  EXPECT_TRUE(flags.insecure);
  EXPECT_EQ(flags.ca_file, "/ca.pem");
  EXPECT_EQ(flags.config_path, "/c.yml");
}

TEST(CliConnectionOptions, MissingValueOrValueOnASwitchIsAnError) {
  ConnectionFlags flags;
  std::vector<std::string> missing{"--url"};
  std::size_t i = 0;
  EXPECT_EQ(failure_of([&] { consume_connection_option(missing, i, flags); }).first, ExitCode::bad_arguments);
  std::vector<std::string> valued{"--insecure=yes"};
  i = 0;
  EXPECT_EQ(failure_of([&] { consume_connection_option(valued, i, flags); }).first, ExitCode::bad_arguments);
}

}  // namespace
}  // namespace herald::cli
