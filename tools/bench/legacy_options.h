// `herald-bench legacy` options: defaults, parsing and --help text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace herald::bench {

struct LegacyOptions {
  // Server: always a spawned heraldd (the figures need its pid); the names parse_command_line
  // fills in.
  std::string url;
  std::string spawn;
  std::string user = "admin";
  std::string password;
  std::string server_log_level = "warn";
  bool keep_data_dir = false;
  std::size_t setup_connections = 32;  // Management API connections for the group assignment
  long order_timeout_s = 600;          // timeout of the restart command
  std::chrono::milliseconds poll_interval{20};  // how often delivery progress is checked

  std::size_t agents = 5'000;
  std::string cipher = "aes";             // aes | blowfish
  std::size_t enroll_concurrency = 32;    // TLS enrollments in flight
  std::size_t connect_concurrency = 256;  // 1514 handshakes (connect, startup, ack) in flight
  std::size_t client_threads = 2;         // io threads of the simulated agents
  std::size_t source_addresses = 1;       // agents bind to 127.0.0.1 … 127.0.0.K
  long keepalive_interval_s = 10;         // the agent's <notify_time>
  double settle_s = 12;                   // after every agent is connected, before the rest window
  double rest_window_s = 30;
  double restart_wait_s = 30;             // bound on "every agent got its restart"
  std::size_t event_agents = 200;         // agents blasting events in the events phase; 0: no phase
  double event_warmup_s = 2;              // blasting before the measured window starts
  double event_window_s = 10;
  std::size_t event_ring = 256;           // distinct pre-encoded events per agent, sent in a loop
  std::string event_text = "1:/var/log/syslog:Jan  1 00:00:00 bench sshd[4242]: Accepted publickey for bench";
  std::vector<std::string> phases{"rest", "restart", "events"};
};

// Parses argv after "legacy". Returns nullopt after printing an error (or the help, with
// `help_shown` set).
std::optional<LegacyOptions> parse_legacy_options(int argc, char** argv, bool& help_shown);

std::string legacy_help();

}  // namespace herald::bench
