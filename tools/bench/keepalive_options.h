// `herald-bench keepalive` options: defaults, parsing and --help text.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fleet_options.h"

namespace herald::bench {

struct KeepaliveOptions : AgentFleetOptions {
  KeepaliveOptions() {
    agents = 15'000;
    repoll_delay_ms = 1'000;  // the agent's pacing after a 2xx (wire-protocol c, pacing)
    poll_interval = std::chrono::milliseconds(100);  // /metrics sampling during storms
  }

  // remote.manager_keepalive of a spawned heraldd; with --url, what the running server uses
  // (the bench cannot read it back and needs it for the expected figures).
  long interval_s = 10;
  long timeout_s = 20;
  long flush_interval_s = 1;

  double auth_spread_s = -1;           // initial authentications spread over this; < 0: one interval
  double settle_s = 2;                 // quiet time after parking, before the at-rest window
  double rest_window_s = 30;           // the at-rest measurement
  double rest_after_storms_s = 30;     // a second at-rest window after the storms; 0: none
  // In this order; empty: none. orders comes first, while every agent's last keep-alive is the
  // one its parked poll earns each interval (the reconnecting storms refresh them all at once).
  std::vector<std::string> storms{"orders", "replace", "drop"};
  std::size_t storm_concurrency = 1'000;  // reconnections between connect and poll written, all workers
  double storm_settle_s = 3;           // after the fleet is parked again, before counting flaps
  std::size_t dead_sample = 100;       // agents per dead-agent mode
  std::vector<std::string> dead_modes{"close", "silent"};  // empty: no dead-agent step
  double dead_spread_s = 2;            // closing agents die one by one over this long
  std::chrono::milliseconds detect_poll{150};  // GET /agents period while waiting for disconnected
  double detect_wait_s = 30;           // bound past timeout for every sample agent to be disconnected
};

// Parses argv after "keepalive". Returns nullopt after printing an error (or the help, with
// `help_shown` set).
std::optional<KeepaliveOptions> parse_keepalive_options(int argc, char** argv, bool& help_shown);

std::string keepalive_help();

}  // namespace herald::bench
