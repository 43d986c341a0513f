#pragma once
// Which server to talk to and as whom, resolved once per run from (highest first) command-line
// flags, the environment (HERALD_URL, HERALD_USER, HERALD_PASSWORD), the client config file, and
// defaults.
#include <functional>
#include <optional>
#include <string>

namespace herald::cli {

inline constexpr const char* kDefaultUrl = "http://127.0.0.1:55000";
inline constexpr const char* kDefaultUser = "admin";

struct ConnectionSettings {
  std::string url = kDefaultUrl;
  std::string user = kDefaultUser;
  std::string password;
  bool insecure = false;  // skip TLS certificate verification
  std::string ca_file;    // extra trust anchors for https (PEM); empty: the system store
};

// What the command line said (`--url`, `--user`, `--password`, `--insecure`, `--ca-file`,
// `--config`); unset members defer to the environment and the file.
struct ConnectionFlags {
  std::optional<std::string> url;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> ca_file;
  std::optional<std::string> config_path;
  bool insecure = false;
};

// Looks up an environment variable; nullopt when unset. Injected so tests need no setenv.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> process_environment(const std::string& name);

// The client config file to read: `--config`, else $HERALD_CONFIG, else
// $HOME/.config/herald/client.yml. `required` is false only for that default path, which may
// be absent.
struct ConfigFileChoice {
  std::string path;  // empty when there is none to read (no flag, no variable, no HOME)
  bool required = false;
};
ConfigFileChoice choose_config_file(const ConnectionFlags& flags, const EnvironmentLookup& environment);

// Resolves every setting (empty environment values count as unset). Throws Failure(bad_arguments)
// when the config file is missing (if required) or invalid, and when no password is given anywhere.
ConnectionSettings resolve_connection_settings(const ConnectionFlags& flags, const EnvironmentLookup& environment);

}  // namespace herald::cli
