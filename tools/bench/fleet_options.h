// Options of the subcommands that run simulated agents (`fleet`, `keepalive`): the part they
// share (server, agent processes, pacing), `fleet`'s own, parsing and --help text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace herald::bench {

struct AgentFleetOptions {
  // Server: --url (management) + --comms-url of a running heraldd, or a spawned one (default).
  std::string url;
  std::string comms_url;
  std::string spawn;
  std::string user = "admin";
  std::string password;
  std::string server_log_level = "warn";
  bool keep_data_dir = false;
  long poll_timeout_s = 300;  // comms.commands_poll_timeout of a spawned heraldd

  std::size_t agents = 10'000;
  std::size_t workers = 0;            // agent processes; 0: one per 6,000 agents
  std::size_t setup_connections = 32;
  std::size_t auth_concurrency = 64;  // authentications in flight, over all workers
  std::size_t park_concurrency = 512; // first polls connecting at once, over all workers
  std::size_t source_addresses = 8;   // 127.0.0.1 … 127.0.0.K (loopback servers only)
  long order_timeout_s = 32'767;
  long repoll_delay_ms = 0;           // after a 200 (and its result POST); the real agent waits 1000
  double park_wait_s = 120;           // bound on "all polls parked"
  std::chrono::milliseconds poll_interval{50};
};

struct FleetOptions : AgentFleetOptions {
  double idle_s = 10;
  std::size_t single_commands = 200;
  double deliver_wait_s = 60;   // bound on "every agent got the group command"
  double results_wait_s = 120;  // bound on "GET /orders reports N success"
};

// One of the shared options (--comms-url, --poll-timeout, --workers, --auth-concurrency,
// --park-concurrency, --source-addresses, --repoll-delay-ms, --park-wait): whether its value was
// valid, or nullopt when `arg` is none of them.
std::optional<bool> parse_agent_fleet_option(std::string_view arg, std::string_view value, AgentFleetOptions& options);

// Checks what needs several options together and fills in derived defaults (workers). False after
// printing the problem.
bool finish_agent_fleet_options(std::string_view command, AgentFleetOptions& options);

// The --help text of the shared options, with the subcommand's defaults.
std::string agent_fleet_options_help(const AgentFleetOptions& defaults);

// Parses argv after "fleet". Returns nullopt after printing an error (or the help, with
// `help_shown` set).
std::optional<FleetOptions> parse_fleet_options(int argc, char** argv, bool& help_shown);

std::string fleet_help();

}  // namespace herald::bench
