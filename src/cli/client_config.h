#pragma once
// The client config file (~/.config/herald/client.yml): connection defaults for both CLIs.
#include <filesystem>
#include <optional>
#include <string>

namespace herald::cli {

// What a client config file may set. Keys it does not set stay empty.
struct ClientConfig {
  std::optional<std::string> url;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<bool> insecure;
  std::optional<std::string> ca_file;
};

// Parses YAML text: a mapping of `url`, `user`, `password`, `insecure` (boolean), `ca_file`; an
// empty document sets nothing. Unknown keys, non-scalar values and a non-boolean `insecure` are
// errors, so a typo never silently falls back to a default. `source` names the file in messages.
// Throws Failure(bad_arguments).
ClientConfig parse_client_config(const std::string& yaml_text, const std::string& source);

// Reads and parses the file at `path`. Throws Failure(bad_arguments) when it cannot be read.
ClientConfig load_client_config(const std::filesystem::path& path);

}  // namespace herald::cli
