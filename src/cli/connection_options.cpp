#include "cli/connection_options.h"

#include <optional>

#include "cli/failure.h"

namespace herald::cli {

namespace {

std::optional<std::string>* value_slot(const std::string& name, ConnectionFlags& flags) {
  if (name == "--url") return &flags.url;
  if (name == "--user") return &flags.user;
  if (name == "--password") return &flags.password;
  if (name == "--ca-file") return &flags.ca_file;
  if (name == "--config") return &flags.config_path;
  return nullptr;
}

}  // namespace

bool consume_connection_option(const std::vector<std::string>& args, std::size_t& index, ConnectionFlags& flags) {
  const auto& arg = args[index];
  auto equals = arg.find('=');
  auto name = arg.substr(0, equals);
  if (name == "--insecure") {
    if (equals != std::string::npos) throw bad_arguments("--insecure takes no value");
    flags.insecure = true;
    return true;
  }
  auto* slot = value_slot(name, flags);
  if (slot == nullptr) return false;
  if (equals != std::string::npos) {
    *slot = arg.substr(equals + 1);
  } else if (index + 1 < args.size()) {
    *slot = args[++index];
  } else {
    throw bad_arguments(name + " needs a value");
  }
  return true;
}

std::string connection_options_help() {
  return "  --url URL         Management API base URL (env HERALD_URL; default http://127.0.0.1:55000)\n"
         "  --user USER       login user (env HERALD_USER; default admin)\n"
         "  --password PASS   login password (env HERALD_PASSWORD)\n"
         "  --insecure        skip TLS certificate verification\n"
         "  --ca-file PEM     CA certificates to trust for https\n"
         "  --config PATH     client config file (env HERALD_CONFIG; default ~/.config/herald/client.yml)\n";
}

}  // namespace herald::cli
