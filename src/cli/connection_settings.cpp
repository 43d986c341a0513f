#include "cli/connection_settings.h"

#include <cstdlib>
#include <filesystem>

#include "cli/client_config.h"
#include "cli/failure.h"

namespace herald::cli {

namespace {

std::optional<std::string> non_empty(const EnvironmentLookup& environment, const std::string& name) {
  auto value = environment(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

// The first of the candidates that is set.
template <class... Candidates>
std::optional<std::string> first_set(const Candidates&... candidates) {
  std::optional<std::string> chosen;
  ((chosen = chosen ? chosen : candidates), ...);
  return chosen;
}

}  // namespace

std::optional<std::string> process_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ConfigFileChoice choose_config_file(const ConnectionFlags& flags, const EnvironmentLookup& environment) {
  if (flags.config_path) return {*flags.config_path, true};
  if (auto path = non_empty(environment, "HERALD_CONFIG")) return {*path, true};
  if (auto home = non_empty(environment, "HOME")) return {*home + "/.config/herald/client.yml", false};
  return {};
}

ConnectionSettings resolve_connection_settings(const ConnectionFlags& flags, const EnvironmentLookup& environment) {
  ClientConfig file;
  auto choice = choose_config_file(flags, environment);
  if (!choice.path.empty()) {
    std::error_code ec;
    bool exists = std::filesystem::exists(choice.path, ec);
    if (exists) {
      file = load_client_config(choice.path);
    } else if (choice.required) {
      throw bad_arguments("client config file " + choice.path + " does not exist");
    }
  }

  ConnectionSettings settings;
  settings.url = first_set(flags.url, non_empty(environment, "HERALD_URL"), file.url).value_or(kDefaultUrl);
  settings.user = first_set(flags.user, non_empty(environment, "HERALD_USER"), file.user).value_or(kDefaultUser);
  auto password = first_set(flags.password, non_empty(environment, "HERALD_PASSWORD"), file.password);
  settings.insecure = flags.insecure || file.insecure.value_or(false);
  settings.ca_file = first_set(flags.ca_file, file.ca_file).value_or("");
  if (!password) {
    throw bad_arguments("no password for user '" + settings.user +
                        "': pass --password, set HERALD_PASSWORD, or put `password:` in " +
                        (choice.path.empty() ? std::string("~/.config/herald/client.yml") : choice.path));
  }
  settings.password = *password;
  return settings;
}

}  // namespace herald::cli
