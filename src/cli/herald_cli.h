#pragma once
// herald: the operator CLI over the Management API.
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/connection_settings.h"

namespace herald::cli {

// Every herald command, with its options and handler.
const std::vector<CommandSpec>& herald_commands();

// Help for everything, for one group ("agents"), or for one command.
std::string herald_help();
std::string herald_group_help(const std::string& group);
std::string herald_command_help(const CommandSpec& spec);

// Runs herald with `args` (argv without the program name); returns the exit status (ExitCode).
// Errors are printed to `err` as "herald: <message>".
int run_herald(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err,
               const EnvironmentLookup& environment, bool stdout_is_tty);

}  // namespace herald::cli
