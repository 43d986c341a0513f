#include "cli/agent_control_args.h"

#include "cli/connection_options.h"
#include "cli/failure.h"

namespace herald::cli::agent_control {

namespace {

constexpr std::string_view kUnsupportedLetters = "RrbfLaum";
constexpr std::string_view kLettersWithValue = "bfu";

std::string unsupported_message(char letter) {
  std::string flag = std::string("-") + letter;
  if (letter == 'm') return "agent_control " + flag + " is not supported: Herald sets no limit on the number of agents";
  return "agent_control " + flag +
         " is not supported: Herald sends restarts, scans and active responses to agents as commands, e.g. "
         "`herald commands send --target agent:<id> --action restart` (see `herald commands send --help`)";
}

void note_invalid(Arguments& parsed, std::string message) {
  if (parsed.action != Action::invalid && parsed.action != Action::unsupported) {
    parsed.action = Action::invalid;
    parsed.problem = std::move(message);
  }
}

}  // namespace

Arguments parse_arguments(const std::vector<std::string>& args) {
  Arguments parsed;
  parsed.nothing_given = args.empty();
  bool list = false, info = false, help = false, version = false, active = false, disconnected = false;
  std::optional<char> unsupported;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg.rfind("--", 0) == 0) {
      if (arg == "--help") {
        help = true;
        continue;
      }
      if (arg == "--version") {
        version = true;
        continue;
      }
      try {
        if (consume_connection_option(args, i, parsed.connection)) continue;
        note_invalid(parsed, "unknown option " + arg);
      } catch (const Failure& failure) {
        note_invalid(parsed, failure.what());
      }
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      note_invalid(parsed, "unexpected argument '" + arg + "'");
      continue;
    }
    for (std::size_t k = 1; k < arg.size(); ++k) {
      char letter = arg[k];
      bool rest_is_value = k + 1 < arg.size();
      switch (letter) {
        case 'l':
          list = true;
          break;
        case 'c':
          active = true;
          break;
        case 'n':
          disconnected = true;
          break;
        case 's':
          parsed.format = OutputFormat::csv;
          break;
        case 'j':
          parsed.format = OutputFormat::json;
          break;
        case 'h':
          help = true;
          break;
        case 'V':
          version = true;
          break;
        case 'd':
        case 'e':
          break;  // upstream's debug and end-time switches change nothing here
        case 'i':
          info = true;
          // Like getopt, the rest of the word or the next word is the id; a next word that is an
          // option means the id was left out (an agent id never starts with '-').
          if (rest_is_value) {
            parsed.agent_id = arg.substr(k + 1);
          } else if (i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0) {
            parsed.agent_id = args[++i];
          } else {
            parsed.agent_id = "";
          }
          k = arg.size();
          break;
        default:
          if (kUnsupportedLetters.find(letter) != std::string_view::npos) {
            if (!unsupported) unsupported = letter;
            if (kLettersWithValue.find(letter) != std::string_view::npos) {
              if (!rest_is_value && i + 1 < args.size()) ++i;
              k = arg.size();
            }
          } else {
            note_invalid(parsed, std::string("unknown option -") + letter);
          }
      }
    }
  }

  if (parsed.action == Action::invalid) return parsed;
  if (help) {
    parsed.action = Action::help;
  } else if (version) {
    parsed.action = Action::version;
  } else if (unsupported) {
    parsed.action = Action::unsupported;
    parsed.problem = unsupported_message(*unsupported);
  } else if (list) {
    if (active && disconnected) {
      note_invalid(parsed, "-c and -n cannot be combined");
      return parsed;
    }
    parsed.action = Action::list;
    parsed.active_only = active;
    parsed.disconnected_only = disconnected;
  } else if (info) {
    parsed.action = Action::info;
  } else if (active || disconnected) {
    note_invalid(parsed, "-c and -n go with -l (-lc, -ln)");
  } else {
    parsed.action = Action::help;
  }
  return parsed;
}

}  // namespace herald::cli::agent_control
