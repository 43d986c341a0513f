#pragma once
// agent_control's command line, read as upstream's getopt does ("-lc" is -l -c, "-i ID" or
// "-iID"), plus the long connection options.
#include <optional>
#include <string>
#include <vector>

#include "cli/agent_control_format.h"
#include "cli/connection_settings.h"

namespace herald::cli::agent_control {

enum class Action {
  help,         // -h, or nothing asked (upstream prints help then, exiting 1)
  version,      // -V
  list,         // -l [-c | -n]
  info,         // -i ID
  unsupported,  // -R -r -b -f -L -a -u -m: restart, scans, active response, limits
  invalid,      // anything else that does not parse
};

struct Arguments {
  Action action = Action::help;
  bool nothing_given = false;                // no arguments at all: help, but exit 1
  bool active_only = false;                  // -lc
  bool disconnected_only = false;            // -ln
  OutputFormat format = OutputFormat::text;  // -s / -j, the last one wins as upstream
  std::optional<std::string> agent_id;       // -i's value; empty when -i had none
  std::string problem;                       // for unsupported/invalid: what to tell the operator
  ConnectionFlags connection;
};

// Never throws: every problem becomes Action::invalid or Action::unsupported with `problem` set,
// so the error can still be printed in the requested format (-j may come after it).
Arguments parse_arguments(const std::vector<std::string>& args);

}  // namespace herald::cli::agent_control
