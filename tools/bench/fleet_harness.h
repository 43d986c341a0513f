// Everything a fleet-style subcommand does around its own steps: start (or attach to) heraldd,
// enroll the agents over the management API, fork the agent workers, run the steps on one io
// thread, stop the workers, check that heraldd survived, print the JSON document.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>

#include "bench_context.h"
#include "fleet.h"
#include "fleet_options.h"
#include "fleet_steps.h"
#include "spawned_server.h"

namespace herald::bench {

struct FleetCommand {
  const char* name = "";  // "fleet": the JSON's "command" and the log prefix
  // Adjusts the settings of a spawned heraldd (defaults: poll timeout from the options,
  // max_connections for every agent) and notes them in `server`. May be empty.
  std::function<void(SpawnOptions&, boost::json::object& server)> configure_server;
  // Put every agent into one new group after enrollment (fleet.group).
  bool needs_group = false;
  // The measured steps, with the workers running.
  std::function<boost::asio::awaitable<void>(FleetRun&)> steps;
  boost::json::object options;  // echoed as "options" (with the shared agent options added)
};

// Runs `command` with `options`; prints the JSON document to stdout. Returns the exit code
// (1 when a step failed or heraldd ended during the run).
int run_fleet_command(const AgentFleetOptions& options, FleetCommand command);

}  // namespace herald::bench
