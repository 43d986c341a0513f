#pragma once
// Starts a real nats-server with JetStream on a random loopback port, as a child process, for
// the NATS bus tests. It can be stopped and started again on the same port (an outage), with or
// without its JetStream store (a server that comes back empty).
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "support/temp_dir.h"

namespace herald::test {

class NatsServer {
 public:
  // The nats-server binary ($HERALD_NATS_SERVER, /usr/bin, /usr/sbin, then PATH), if installed.
  static std::optional<std::filesystem::path> binary();
  static bool installed() { return binary().has_value(); }

  // Picks a free port; does not start the server.
  NatsServer();
  // Kills and reaps the server; the temp dir (store, log) goes with it.
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  // Starts the server (on the same port every time) and waits, bounded, until it accepts
  // connections. Throws with the server's log if it exits or does not come up.
  void start();
  // SIGTERM, then waits (bounded; SIGKILL after) for the exit. No-op when not running.
  void stop();
  bool running() const { return pid_ > 0; }
  // Deletes the JetStream store, as if the server came back on a fresh disk. REQUIRES: stopped.
  void wipe_store();

  int port() const { return port_; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;  // what the server printed so far

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace herald::test
