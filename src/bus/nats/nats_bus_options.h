#pragma once
// How NatsBus connects and what it keeps in JetStream. Filled from the `nats:` section of
// heraldd.yml by app/; every field has a working default.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace herald::bus {

struct NatsBusOptions {
  std::string url = "nats://127.0.0.1:4222";
  // Every subject is "<prefix>.<relative subject>"; subscribe patterns are relative too.
  std::string prefix = "wazuh";
  // Shown by the server (connz) to tell heraldd nodes apart: the node name.
  std::string connection_name;
  // The JetStream stream that keeps durable events. Created if missing, on every (re)connect.
  std::string stream_name = "HERALD_EVENTS";
  // Relative patterns the stream covers; durable events outside them go out on core NATS.
  std::vector<std::string> durable_subjects = {"agent.*.status", "agent.*.enrolled", "orders.>"};
  std::chrono::seconds max_age{std::chrono::hours(24 * 30)};
  // JetStream drops a repeated Nats-Msg-Id within this window.
  std::chrono::seconds duplicate_window{120};
  // Events waiting for the worker thread; beyond it publish() drops (and counts) them.
  std::size_t queue_capacity = 100000;
  std::chrono::milliseconds reconnect_wait{500};
};

}  // namespace herald::bus
