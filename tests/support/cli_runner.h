#pragma once
// Runs a CLI binary (herald, agent_control) as an operator would: its own process, chosen
// arguments and environment, optional standard input; collects exit status, stdout and stderr.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace herald::test {

struct CliResult {
  int status = -1;  // exit code; 128+signal if killed; -1 if it outlived the timeout
  std::string out;
  std::string err;
};

// `environment` is the child's whole environment apart from PATH (inherited) and HOME (an empty
// directory unless given), so no operator's ~/.config/herald/client.yml leaks into a test.
CliResult run_cli(const std::string& program, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& environment, const std::string& input = "",
                  std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace herald::test
