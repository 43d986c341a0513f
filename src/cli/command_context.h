#pragma once
// What a herald command handler works with: its parsed arguments, the streams, and a Management
// API session opened on first use.
#include <boost/json/value.hpp>
#include <iosfwd>
#include <memory>

#include "cli/command_line.h"
#include "cli/connection_settings.h"
#include "cli/management_client.h"

namespace herald::cli {

class CommandContext {
 public:
  CommandContext(const ParsedCommand& args, std::istream& in, std::ostream& out, std::ostream& err,
                 EnvironmentLookup environment, bool stdout_is_tty);
  ~CommandContext();
  CommandContext(const CommandContext&) = delete;
  CommandContext& operator=(const CommandContext&) = delete;

  const ParsedCommand& args() const { return args_; }
  std::istream& in() { return in_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool stdout_is_tty() const { return stdout_is_tty_; }
  bool json() const { return args_.json; }

  // Resolved on first use; throws Failure(bad_arguments) as resolve_connection_settings does.
  const ConnectionSettings& settings();
  ManagementClient& client();

  // --json output: one document on one line.
  void print_json(const boost::json::value& document);

 private:
  const ParsedCommand& args_;
  std::istream& in_;
  std::ostream& out_;
  std::ostream& err_;
  EnvironmentLookup environment_;
  bool stdout_is_tty_;
  std::unique_ptr<ConnectionSettings> settings_;
  std::unique_ptr<ManagementClient> client_;
};

// Option values every handler parses the same way. Throw Failure(bad_arguments).
std::int64_t positive_integer_option(const std::string& name, const std::string& text);

}  // namespace herald::cli
