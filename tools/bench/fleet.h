// The simulated fleet on the server: N enrolled agents and, when a scenario needs it, one group
// holding all of them. Enrollment and assignment run over many keep-alive connections at once.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "bench_context.h"

namespace herald::bench {

struct Fleet {
  std::vector<std::string> agent_ids;  // v4 UUIDs, in enrollment order
  std::vector<std::string> agent_keys; // the 32-char key each agent was enrolled with (same order)
  std::string group;                   // empty until create_fleet_group ran
  double enroll_seconds = 0;
  double assign_seconds = 0;
};

// Enrolls `count` new agents (random v4 UUIDs, unique names) over `connections` concurrent
// connections. Throws std::runtime_error on the first non-201 reply.
boost::asio::awaitable<void> enroll_agents(const BenchContext& context, Fleet& fleet, std::size_t count,
                                           std::size_t connections);

// Creates a fresh group (random name) and assigns every fleet agent to it, concurrently.
boost::asio::awaitable<void> create_fleet_group(const BenchContext& context, Fleet& fleet, std::size_t connections);

// A random v4 UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
std::string random_uuid_v4();

}  // namespace herald::bench
