#pragma once
// herald's command line: `herald [global options] <group> <verb> [arguments and options]`.
// Options are long (--name value or --name=value) and may sit anywhere after the verb; the
// connection options, --json and --help are accepted everywhere. A command's own option wins over
// a global one of the same name after the verb (commands send --user names the command's user;
// the login user then goes before the group, or in HERALD_USER).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/connection_settings.h"

namespace herald::cli {

class CommandContext;
using CommandHandler = int (*)(CommandContext&);

struct OptionSpec {
  std::string name;        // "--status"
  std::string value_name;  // "LIST"; empty for a switch that takes no value
  std::string help;
  bool repeatable = false;
};

struct CommandSpec {
  std::string group;            // "agents"
  std::string verb;             // "list"
  std::string arguments_usage;  // "<id>", "<group> <agent_id>..."
  std::size_t min_positionals = 0;
  std::size_t max_positionals = 0;
  std::string summary;
  std::vector<OptionSpec> options;
  CommandHandler handler = nullptr;
};

struct ParsedCommand {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> positionals;
  std::map<std::string, std::vector<std::string>> options;  // by name, e.g. "--status"
  ConnectionFlags connection;
  bool json = false;

  bool has(const std::string& name) const { return options.contains(name); }
  // The (last) value of an option, or nullopt.
  std::optional<std::string> value(const std::string& name) const;
  // Every value of a repeatable option (empty when not given).
  std::vector<std::string> values(const std::string& name) const;
};

// What the command line asks for.
struct CommandLine {
  enum class Kind {
    run,          // a command: `parsed` is complete
    help,         // --help: `parsed.spec` (command), else `group` (a group's commands), else all
    version,      // --version before any group
    usage_error,  // nothing or only a group given: print the matching help to stderr, exit 2
  } kind = Kind::usage_error;
  std::string group;
  ParsedCommand parsed;
};

// Parses `args` (argv without the program name) against `specs`. Throws Failure(bad_arguments)
// for an unknown group, verb or option, a missing option value, a repeated non-repeatable option,
// or the wrong number of arguments.
CommandLine parse_command_line(const std::vector<CommandSpec>& specs, const std::vector<std::string>& args);

}  // namespace herald::cli
