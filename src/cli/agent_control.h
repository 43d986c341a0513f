#pragma once
// agent_control: the Wazuh-compatible listing CLI, answered from the Management API.
#include <iosfwd>
#include <string>
#include <vector>

#include "cli/connection_settings.h"

namespace herald::cli::agent_control {

// Upstream's error codes for -j (agent-status.md §3).
inline constexpr int kGeneralError = 1;  // connection, authentication, server errors, usage
inline constexpr int kInvalidAgentId = 40;
inline constexpr int kNoAgentGiven = 45;

// Runs agent_control with `args` (argv without the program name). Normal output goes to `out`;
// with -j so do errors (one JSON line), otherwise errors go to `err`. Returns the exit status:
// 0, or 1 on any error (-h prints help and returns 0; no arguments prints help and returns 1).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
        const EnvironmentLookup& environment);

}  // namespace herald::cli::agent_control
