#pragma once
// The Command Manager body `herald commands send` builds from flags:
// {"commands":[{"source","user","target":{"type","id"},"action":{"name","args","version"},"timeout"}]}.
#include <string>
#include <vector>

namespace herald::cli {

struct CommandFlags {
  std::string target;             // agent:<uuid> | group:<name> | server:<module>
  std::string action;             // restart, fetch-config, set-group, update, ...
  std::vector<std::string> args;  // "key=text" (a string) or "key:=json" (any JSON value)
  std::string timeout = "100";    // seconds, or a duration such as 5m
  std::string user;
  std::string source = "Users/Services";
  std::string version = "5.0.0";
};

// Throws Failure(bad_arguments) for a malformed target, arg or timeout, a duplicate arg key, or a
// missing target/action. The server does the rest of the validation, with its own messages.
std::string build_command_body(const CommandFlags& flags);

}  // namespace herald::cli
