#include "cli/command_context.h"

#include <boost/json.hpp>
#include <charconv>
#include <ostream>

#include "cli/failure.h"

namespace herald::cli {

CommandContext::CommandContext(const ParsedCommand& args, std::istream& in, std::ostream& out, std::ostream& err,
                               EnvironmentLookup environment, bool stdout_is_tty)
    : args_(args), in_(in), out_(out), err_(err), environment_(std::move(environment)), stdout_is_tty_(stdout_is_tty) {}

CommandContext::~CommandContext() = default;

const ConnectionSettings& CommandContext::settings() {
  if (!settings_) {
    settings_ = std::make_unique<ConnectionSettings>(resolve_connection_settings(args_.connection, environment_));
  }
  return *settings_;
}

ManagementClient& CommandContext::client() {
  if (!client_) client_ = std::make_unique<ManagementClient>(settings());
  return *client_;
}

void CommandContext::print_json(const boost::json::value& document) {
  out_ << boost::json::serialize(document) << "\n";
}

std::int64_t positive_integer_option(const std::string& name, const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    throw bad_arguments(name + " must be a positive integer, not '" + text + "'");
  }
  return value;
}

}  // namespace herald::cli
