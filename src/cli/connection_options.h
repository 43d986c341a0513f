#pragma once
// The connection options both CLIs accept: --url, --user, --password, --insecure, --ca-file,
// --config (each also as --name=value).
#include <cstddef>
#include <string>
#include <vector>

#include "cli/connection_settings.h"

namespace herald::cli {

// When args[index] is a connection option, records it in `flags`, moves `index` to its last
// argument (the value, when given separately) and returns true; otherwise returns false and
// leaves both alone. Throws Failure(bad_arguments) when the option's value is missing.
bool consume_connection_option(const std::vector<std::string>& args, std::size_t& index, ConnectionFlags& flags);

// Help lines for those options, indented by two spaces.
std::string connection_options_help();

}  // namespace herald::cli
