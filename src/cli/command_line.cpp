#include "cli/command_line.h"

#include <algorithm>

#include "cli/connection_options.h"
#include "cli/failure.h"

namespace herald::cli {

namespace {

bool is_help(const std::string& arg) {
  return arg == "--help" || arg == "-h";
}

const OptionSpec* find_option(const CommandSpec& spec, const std::string& name) {
  for (const auto& option : spec.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

std::string command_name(const CommandSpec& spec) {
  return "herald " + spec.group + (spec.verb.empty() ? "" : " " + spec.verb);
}

bool group_exists(const std::vector<CommandSpec>& specs, const std::string& group) {
  return std::any_of(specs.begin(), specs.end(), [&](const CommandSpec& spec) { return spec.group == group; });
}

// Options before the group: connection options, --json, --help, --version.
std::size_t parse_leading_options(const std::vector<std::string>& args, CommandLine& line, bool& help, bool& version) {
  std::size_t i = 0;
  for (; i < args.size() && args[i].rfind("-", 0) == 0; ++i) {
    const auto& arg = args[i];
    if (is_help(arg)) {
      help = true;
    } else if (arg == "--version") {
      version = true;
    } else if (arg == "--json") {
      line.parsed.json = true;
    } else if (!consume_connection_option(args, i, line.parsed.connection)) {
      throw bad_arguments("unknown option " + arg);
    }
  }
  return i;
}

// Arguments after the verb.
void parse_command_arguments(const std::vector<std::string>& args, std::size_t i, ParsedCommand& parsed, bool& help) {
  const auto& spec = *parsed.spec;
  bool only_positionals = false;
  for (; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (only_positionals || arg.rfind("-", 0) != 0 || arg == "-") {
      parsed.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positionals = true;
      continue;
    }
    if (is_help(arg)) {
      help = true;
      continue;
    }
    auto equals = arg.find('=');
    auto name = arg.substr(0, equals);
    if (const auto* option = find_option(spec, name)) {
      if (!option->repeatable && parsed.has(name)) throw bad_arguments(name + " is given twice");
      std::string value;
      if (option->value_name.empty()) {
        if (equals != std::string::npos) throw bad_arguments(name + " takes no value");
      } else if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw bad_arguments(name + " needs a value (" + option->value_name + ")");
      }
      parsed.options[name].push_back(std::move(value));
    } else if (arg == "--json") {
      parsed.json = true;
    } else if (!consume_connection_option(args, i, parsed.connection)) {
      throw bad_arguments("unknown option " + arg + " for `" + command_name(spec) + "` (see --help)");
    }
  }
}

// The arguments of `spec` from args[i] on.
CommandLine& finish_command(CommandLine& line, const CommandSpec& spec, const std::vector<std::string>& args,
                            std::size_t i, bool help) {
  line.parsed.spec = &spec;
  parse_command_arguments(args, i, line.parsed, help);
  if (help) {
    line.kind = CommandLine::Kind::help;
    return line;
  }
  auto count = line.parsed.positionals.size();
  if (count < spec.min_positionals || count > spec.max_positionals) {
    throw bad_arguments("usage: " + command_name(spec) + (spec.arguments_usage.empty() ? "" : " " + spec.arguments_usage) +
                        " [options]");
  }
  line.kind = CommandLine::Kind::run;
  return line;
}

}  // namespace

std::optional<std::string> ParsedCommand::value(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedCommand::values(const std::string& name) const {
  auto it = options.find(name);
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

CommandLine parse_command_line(const std::vector<CommandSpec>& specs, const std::vector<std::string>& args) {
  CommandLine line;
  bool help = false, version = false;
  auto i = parse_leading_options(args, line, help, version);
  if (i == args.size()) {
    line.kind = help ? CommandLine::Kind::help : version ? CommandLine::Kind::version : CommandLine::Kind::usage_error;
    return line;
  }
  line.group = args[i++];
  if (!group_exists(specs, line.group)) throw bad_arguments("unknown command '" + line.group + "' (see herald --help)");
  // A command that is a group alone (`herald logtest`): what follows are its arguments.
  const auto alone = std::find_if(specs.begin(), specs.end(),
                                  [&](const CommandSpec& spec) { return spec.group == line.group && spec.verb.empty(); });
  if (alone != specs.end()) return finish_command(line, *alone, args, i, help);
  if (i == args.size() || args[i].rfind("-", 0) == 0) {
    bool group_help = help || (i < args.size() && is_help(args[i]));
    line.kind = group_help ? CommandLine::Kind::help : CommandLine::Kind::usage_error;
    return line;
  }
  const auto& verb = args[i++];
  auto found = std::find_if(specs.begin(), specs.end(),
                            [&](const CommandSpec& spec) { return spec.group == line.group && spec.verb == verb; });
  if (found == specs.end()) {
    throw bad_arguments("unknown command 'herald " + line.group + " " + verb + "' (see herald " + line.group +
                        " --help)");
  }
  return finish_command(line, *found, args, i, help);
}

}  // namespace herald::cli
