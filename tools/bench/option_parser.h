#pragma once
// The command-line loop every herald-bench subcommand shares: --help, the server options
// (--url/--spawn/--user/--password/--server-log-level/--keep-data-dir), the fleet-setup options
// (--agents, --setup-connections, --order-timeout, --poll-interval-ms) and error reporting.
// `specific(arg, value, options)` handles the subcommand's own options: it returns nullopt for an
// unknown option, else whether the value was valid.
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace herald::bench {

// A whole decimal number (integers) or a non-negative float; false on anything else.
template <typename Number>
bool parse_number(std::string_view text, Number& out) {
  if constexpr (std::is_floating_point_v<Number>) {
    char* end = nullptr;
    const std::string copy(text);
    out = static_cast<Number>(std::strtod(copy.c_str(), &end));
    return end != copy.c_str() && *end == '\0' && out >= 0;
  } else {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size();
  }
}

template <class Options, class Specific>
std::optional<Options> parse_command_line(std::string_view command, int argc, char** argv, const std::string& help,
                                          bool& help_shown, Specific specific) {
  help_shown = false;
  Options options;
  if (const char* password = std::getenv("HERALD_BENCH_PASSWORD")) options.password = password;
  const auto complain = [&](const std::string& what) {
    std::cerr << "herald-bench " << command << ": " << what << "\n";
    return std::nullopt;
  };
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << help;
      help_shown = true;
      return std::nullopt;
    }
    if (arg == "--keep-data-dir") {
      options.keep_data_dir = true;
      continue;
    }
    if (i + 1 >= argc) return complain(std::string(arg) + " needs a value (or is unknown); see --help");
    const std::string_view value = argv[++i];
    bool ok = true;
    long long poll_ms = 0;
    if (arg == "--url")
      options.url = value;
    else if (arg == "--spawn")
      options.spawn = value;
    else if (arg == "--user")
      options.user = value;
    else if (arg == "--password")
      options.password = value;
    else if (arg == "--server-log-level")
      options.server_log_level = value;
    else if (arg == "--agents")
      ok = parse_number(value, options.agents) && options.agents > 0;
    else if (arg == "--setup-connections")
      ok = parse_number(value, options.setup_connections) && options.setup_connections > 0;
    else if (arg == "--order-timeout")
      ok = parse_number(value, options.order_timeout_s) && options.order_timeout_s > 0;
    else if (arg == "--poll-interval-ms") {
      ok = parse_number(value, poll_ms) && poll_ms > 0;
      options.poll_interval = std::chrono::milliseconds(poll_ms);
    } else {
      const std::optional<bool> handled = specific(arg, value, options);
      if (!handled) return complain("unknown option " + std::string(arg) + "; see --help");
      ok = *handled;
    }
    if (!ok) return complain("bad value for " + std::string(arg) + ": " + std::string(value));
  }
  if (!options.url.empty() && !options.spawn.empty()) return complain("give --url or --spawn, not both");
  return options;
}

// The option loop of the benches that take neither a server URL nor a fleet (analysis, alerts
// ...): --help, flags without a value and options with one. `flag(arg)` says whether it took
// `arg` as a flag; `valued(arg, value)` returns nullopt for an unknown option, else whether the
// value was valid. False after printing an error, or the help (then `help_shown` is set).
template <class Flag, class Valued>
bool parse_plain_options(std::string_view command, int argc, char** argv, const char* help, bool& help_shown, Flag flag,
                         Valued valued) {
  help_shown = false;
  const auto complain = [&](const std::string& what) {
    std::cerr << "herald-bench " << command << ": " << what << "\n";
    return false;
  };
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << help;
      help_shown = true;
      return false;
    }
    if (flag(arg)) continue;
    if (i + 1 >= argc) return complain(std::string(arg) + " needs a value (or is unknown); see --help");
    const std::string_view value = argv[++i];
    const std::optional<bool> ok = valued(arg, value);
    if (!ok) return complain("unknown option " + std::string(arg) + "; see --help");
    if (!*ok) return complain("bad value for " + std::string(arg) + ": " + std::string(value));
  }
  return true;
}

}  // namespace herald::bench
