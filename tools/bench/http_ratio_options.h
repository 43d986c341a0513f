// `herald-bench http-ratio` options: defaults, parsing and --help text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace herald::bench {

struct HttpRatioOptions {
  // Server: --url (management) + --comms-url of a running heraldd, or a spawned one (default).
  std::string url;
  std::string comms_url;
  std::string spawn;
  std::string user = "admin";
  std::string password;
  std::string server_log_level = "warn";
  bool keep_data_dir = false;
  std::size_t server_threads = 2;  // --threads of a spawned heraldd
  // Read by the shared parser (--agents, --setup-connections, ...); this command uses none of them.
  std::size_t agents = 1;
  std::size_t setup_connections = 1;
  long order_timeout_s = 0;
  std::chrono::milliseconds poll_interval{0};

  std::string nginx = "/usr/sbin/nginx";
  std::string nginx_workers = "auto";  // worker_processes

  std::size_t threads = 2;       // client threads, one io_context each
  std::size_t connections = 64;  // client keep-alive connections, over all threads
  std::size_t rounds = 3;
  double warmup_s = 1;
  double duration_s = 8;
  std::vector<std::string> targets;  // in the order they run; default: every target
};

// Every target, in the order a round runs them.
const std::vector<std::string>& http_ratio_target_names();

// Parses argv after "http-ratio". Returns nullopt after printing an error (or the help, with
// `help_shown` set).
std::optional<HttpRatioOptions> parse_http_ratio_options(int argc, char** argv, bool& help_shown);

std::string http_ratio_help();

}  // namespace herald::bench
