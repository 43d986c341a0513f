#pragma once
// How the CLIs fail. A CLI run is one sequential story (parse, log in, ask, print), and any
// failure ends it with a message and an exit code; so failures are thrown as `Failure` and caught
// in exactly one place per executable (herald_cli.cpp, agent_control.cpp), never in between.
#include <stdexcept>
#include <string>

namespace herald::cli {

// herald's exit codes (agent_control exits 0 or 1, as upstream).
enum class ExitCode {
  ok = 0,
  failure = 1,        // the server refused, could not be reached, or authentication failed
  bad_arguments = 2,  // command line, environment or client config file is wrong
  orders_failed = 3,  // orders watch: every order ended, at least one in failure
  watch_timeout = 4,  // orders watch: its own --timeout passed first
};

class Failure : public std::runtime_error {
 public:
  Failure(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Shorthands for the two common kinds.
inline Failure bad_arguments(const std::string& message) {
  return Failure(ExitCode::bad_arguments, message);
}
inline Failure server_failure(const std::string& message) {
  return Failure(ExitCode::failure, message);
}

}  // namespace herald::cli
