// The event mix of `herald-bench analysis`: syslog sshd / PAM / sudo lines and web access lines
// (45 / 15 / 40 %; 15 % failed logins and 7 % web attacks among them),
// as 4.x agents forward them (queue '1', a log file's location), from a fleet of agents and a
// pool of client addresses and users. Event i is a pure function of i, so every run, thread and
// phase sees the same stream; i itself is written into the line (a syslog pid or a query string
// parameter) so the latency phase can tell which event an alert came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::bench {

struct BenchEvent {
  std::string agent_id;
  std::string agent_name;
  std::string location;
  std::string message;
};

struct EventMix {
  std::size_t agents = 1'000;
  std::size_t source_addresses = 5'000;  // sshd clients and web clients
};

BenchEvent make_bench_event(const EventMix& mix, std::uint64_t index);

// The index make_bench_event wrote into an alert's full_log (the alert JSON line); nullopt if
// none is found.
std::optional<std::uint64_t> bench_event_index(std::string_view alert_json);

// Which of `partitions` the event's agent belongs to (one analyzer per partition keeps an agent's
// correlation state in one place, as heraldd's workers do).
std::size_t bench_partition(const EventMix& mix, std::uint64_t index, std::size_t partitions);

}  // namespace herald::bench
