// `herald-bench ingest` options: defaults, parsing and --help text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace herald::bench {

struct IngestOptions {
  // Server: either an existing one (--url) or a child heraldd (--spawn, the default when a
  // heraldd binary sits next to herald-bench's build tree).
  std::string url;
  std::string spawn;
  std::string user = "admin";
  std::string password;
  std::string server_log_level = "warn";
  std::string server_synchronous;  // storage.synchronous of a spawned heraldd; empty: its default (FULL)
  bool keep_data_dir = false;

  std::vector<std::string> scenarios;  // empty: all, in the order group-fanout, single-agent, expiry

  std::size_t agents = 100'000;
  std::size_t setup_connections = 32;
  long order_timeout_s = 32'767;  // the API's maximum: commands not meant to expire during the run

  std::size_t fanout_repeats = 5;

  std::size_t clients = 32;
  double duration_s = 10;
  double warmup_s = 1;

  std::size_t slow_connections = 1'000;

  std::size_t expiry_orders = 100'000;
  long expiry_timeout_s = 10;  // long enough that the orders exist well before their deadline
  double expiry_wait_s = 60;
  std::chrono::milliseconds poll_interval{50};
  // listing: poll GET /orders counts throughout (each poll is a full scan on the server and
  // competes with the expiry); metrics: poll only /metrics, then check the listing once.
  std::string expiry_probe = "listing";
};

// Parses argv after "ingest". Returns nullopt after printing an error (or the help, with
// `help_shown` set) to stderr/stdout.
std::optional<IngestOptions> parse_ingest_options(int argc, char** argv, bool& help_shown);

const char* ingest_help();

}  // namespace herald::bench
