#pragma once
// herald's commands, one handler each. Every handler returns the exit code (ExitCode) and throws
// Failure for errors; herald_cli.cpp maps both to the process's exit status.
#include "cli/command_context.h"

namespace herald::cli {

int agents_list(CommandContext& context);
int agents_show(CommandContext& context);
int agents_summary(CommandContext& context);

int groups_list(CommandContext& context);
int groups_create(CommandContext& context);
int groups_assign(CommandContext& context);

int commands_send(CommandContext& context);

int orders_list(CommandContext& context);
int orders_show(CommandContext& context);
int orders_watch(CommandContext& context);

int logtest(CommandContext& context);

int alerts_list(CommandContext& context);

}  // namespace herald::cli
