#include "cli/herald_cli.h"

#include <ostream>

#include "cli/command_context.h"
#include "cli/connection_options.h"
#include "cli/failure.h"
#include "cli/herald_handlers.h"

#ifndef HERALD_VERSION
#define HERALD_VERSION "0.0.0"
#endif

namespace herald::cli {

namespace {

constexpr std::size_t kMany = static_cast<std::size_t>(-1);

std::vector<CommandSpec> build_commands() {
  return {
      {"agents",
       "list",
       "",
       0,
       0,
       "List agents (all pages) with their status.",
       {{"--status", "LIST", "only these statuses: active,pending,disconnected,never_connected"},
        {"--group", "NAME", "only members of this group"},
        {"--q", "EXPR", "a Wazuh query, e.g. 'os.platform=Linux;version<6.0.0'"},
        {"--limit", "N", "at most N agents"}},
       agents_list},
      {"agents", "show", "<id>", 1, 1, "Show one agent.", {}, agents_show},
      {"agents", "summary", "", 0, 0, "Count agents by connection and configuration status.", {}, agents_summary},
      {"groups", "list", "", 0, 0, "List groups and how many agents each has.", {}, groups_list},
      {"groups", "create", "<name>", 1, 1, "Create a group.", {}, groups_create},
      {"groups", "assign", "<group> <agent_id>...", 2, kMany, "Add agents to a group.", {}, groups_assign},
      {"commands",
       "send",
       "",
       0,
       0,
       "Send a command to an agent, a group's agents or a server module; prints the request id.\n"
       "      Here --user is the command's user: give the login user before `commands`, or in HERALD_USER.",
       {{"--file", "PATH", "a whole Command Manager body ({\"commands\":[...]}); - reads standard input"},
        {"--target", "TARGET", "agent:<id>, group:<name> or server:<module>"},
        {"--action", "NAME", "restart, fetch-config, set-group, update, ..."},
        {"--arg", "K=V", "an action argument: key=text, or key:=json (e.g. groups:='[\"web\"]'); repeatable", true},
        {"--timeout", "SECONDS", "how long each order may take to be delivered and done (default 100; or e.g. 5m)"},
        {"--user", "USER", "who the command is recorded as sent by (default: the login user)"},
        {"--source", "SOURCE", "the command's source (default Users/Services)"},
        {"--action-version", "VERSION", "the action's version (default 5.0.0)"}},
       commands_send},
      {"orders",
       "list",
       "",
       0,
       0,
       "List orders; filters combine.",
       {{"--request", "N", "only this request's orders"},
        {"--status", "STATUS", "pending, sent, success or failure"},
        {"--agent", "ID", "only this agent's orders"},
        {"--sort", "FIELD", "[+|-]id, @timestamp, delivery_timestamp or updated_at"},
        {"--limit", "N", "at most N orders (default 500)"}},
       orders_list},
      {"orders", "show", "<id>", 1, 1, "Show one order (ids look like 12-3: request 12, order 3).", {}, orders_show},
      {"orders",
       "watch",
       "<request_id>",
       1,
       1,
       "Follow a request's orders until all finish. Exit 0 if all succeed, 3 if any failed, 4 on --timeout.",
       {{"--interval", "DURATION", "time between polls (default 0.5s)"},
        {"--timeout", "DURATION", "give up after this long (default: wait; the server fails late orders)"}},
       orders_watch},
      {"logtest",
       "",
       "",
       0,
       0,
       "Try log lines (one per line on standard input) against the server's running ruleset, in one\n"
       "      session (PUT /logtest), and print the phases as wazuh-logtest does; --json prints each reply.",
       {{"--location", "TEXT", "the events' location (default stdin)"},
        {"--log-format", "FORMAT", "their log format (default syslog)"}},
       logtest},
      {"alerts",
       "",
       "",
       0,
       0,
       "List stored alerts, newest first; filters combine. --follow prints new ones as they come\n"
       "      (polls every second; with --json one alert per line) until interrupted.",
       {{"--from", "TIME", "at or after this time: ISO-8601 (2026-12-08T01:00:00Z) or epoch seconds"},
        {"--to", "TIME", "at or before this time"},
        {"--level", "N", "level N or higher"},
        {"--rule", "ID", "only this rule's alerts"},
        {"--group", "NAME", "only alerts of this rule group"},
        {"--agent", "ID", "only this agent's alerts"},
        {"--search", "TEXT", "text in the description or the full log"},
        {"--sort", "ORDER", "-timestamp (default), +timestamp or -level"},
        {"--limit", "N", "at most N alerts (default 100)"},
        {"--follow", "", "keep printing new alerts"}},
       alerts_list},
  };
}

std::string usage_line(const CommandSpec& spec) {
  return "herald " + spec.group + (spec.verb.empty() ? "" : " " + spec.verb) + (spec.arguments_usage.empty() ? "" : " " + spec.arguments_usage) +
         (spec.options.empty() ? "" : " [options]");
}

std::string common_options_help() {
  return "Options on every command:\n"
         "  --json            print the server's JSON (one document) instead of text\n"
         "  --help            this help\n" +
         connection_options_help();
}

}  // namespace

const std::vector<CommandSpec>& herald_commands() {
  static const std::vector<CommandSpec> commands = build_commands();
  return commands;
}

std::string herald_help() {
  std::string out = "herald: operate a Herald server through its Management API.\n\nCommands:\n";
  for (const auto& spec : herald_commands()) out += "  " + usage_line(spec) + "\n      " + spec.summary + "\n";
  out += "\n" + common_options_help() +
         "\nExit codes: 0 ok, 1 server or connection error, 2 bad arguments or settings, 3 orders failed, "
         "4 watch timed out.\n";
  return out;
}

std::string herald_group_help(const std::string& group) {
  std::string out = "Commands of herald " + group + ":\n";
  for (const auto& spec : herald_commands()) {
    if (spec.group == group) out += "  " + usage_line(spec) + "\n      " + spec.summary + "\n";
  }
  return out + "\nSee herald " + group + " <command> --help.\n";
}

std::string herald_command_help(const CommandSpec& spec) {
  std::string out = "usage: " + usage_line(spec) + "\n\n" + spec.summary + "\n";
  if (!spec.options.empty()) {
    out += "\nOptions:\n";
    for (const auto& option : spec.options) {
      auto name = option.name + (option.value_name.empty() ? "" : " " + option.value_name);
      out += "  " + name + std::string(name.size() < 26 ? 26 - name.size() : 1, ' ') + option.help + "\n";
    }
  }
  return out + "\n" + common_options_help();
}

int run_herald(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err,
               const EnvironmentLookup& environment, bool stdout_is_tty) {
  try {
    auto line = parse_command_line(herald_commands(), args);
    switch (line.kind) {
      case CommandLine::Kind::version:
        out << "herald " << HERALD_VERSION << "\n";
        return 0;
      case CommandLine::Kind::help:
        out << (line.parsed.spec     ? herald_command_help(*line.parsed.spec)
                : line.group.empty() ? herald_help()
                                     : herald_group_help(line.group));
        return 0;
      case CommandLine::Kind::usage_error:
        err << (line.group.empty() ? herald_help() : herald_group_help(line.group));
        return static_cast<int>(ExitCode::bad_arguments);
      case CommandLine::Kind::run:
        break;
    }
    CommandContext context(line.parsed, in, out, err, environment, stdout_is_tty);
    return line.parsed.spec->handler(context);
  } catch (const Failure& failure) {
    err << "herald: " << failure.what() << "\n";
    return static_cast<int>(failure.code());
  } catch (const std::exception& e) {
    // Not expected (a bug, or a reply in a shape nobody anticipated): say so rather than abort.
    err << "herald: " << e.what() << "\n";
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace herald::cli
