// A heraldd child process on a fresh temporary data directory and port 0, so a bench run starts
// from a known, empty state and needs nothing but the binary.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace herald::bench {

struct SpawnOptions {
  std::filesystem::path heraldd;      // the binary
  std::string admin_password;         // passed as HERALD_ADMIN_PASSWORD
  std::string log_level = "warn";     // logging.level in the generated config
  std::string synchronous;            // storage.synchronous; empty: heraldd's default
  bool keep_data_dir = false;         // leave the temp dir (database, heraldd.log) behind
  long comms_poll_timeout_s = 0;      // comms.commands_poll_timeout; 0: heraldd's default
  std::size_t max_connections = 0;    // http.max_connections (per listener); 0: heraldd's default
  // remote.manager_keepalive in seconds; 0: heraldd's default for that key
  long keepalive_interval_s = 0;
  long keepalive_timeout_s = 0;
  long keepalive_flush_interval_s = 0;
  std::string extra_config;           // top-level YAML appended to the generated config as is
  std::size_t threads = 0;            // heraldd --threads (io threads); 0: heraldd's default (one per core)
  std::chrono::seconds ready_timeout{60};
};

// The heraldd of the same build tree: herald-bench lives in <build>/tools/bench/, heraldd in
// <build>/src/app/.
std::filesystem::path default_heraldd();
// A fresh admin password for a spawned server.
std::string random_password();

// Spawn settings every subcommand shares, from its --spawn, --server-log-level and
// --keep-data-dir options; picks a password when `password` is empty.
template <class Options>
SpawnOptions spawn_options(const Options& options, std::string& password) {
  SpawnOptions spawn;
  spawn.heraldd = options.spawn.empty() ? default_heraldd() : std::filesystem::path(options.spawn);
  if (password.empty()) password = random_password();
  spawn.admin_password = password;
  spawn.log_level = options.server_log_level;
  spawn.keep_data_dir = options.keep_data_dir;
  return spawn;
}

class SpawnedServer {
 public:
  // Starts heraldd and waits for <data_dir>/heraldd.ready. Throws std::runtime_error when the
  // binary cannot be started, exits early, or is not ready in time.
  explicit SpawnedServer(const SpawnOptions& options);
  // SIGTERM, then waits (SIGKILL after 30 s); removes the data dir unless asked to keep it.
  ~SpawnedServer();
  SpawnedServer(const SpawnedServer&) = delete;
  SpawnedServer& operator=(const SpawnedServer&) = delete;

  // Non-blocking: how the server ended ("killed by signal 11 (Segmentation fault)", "exited with
  // status 1"), or nullopt while it runs. Once it has ended, its data dir is kept for inspection.
  std::optional<std::string> ended();

  const std::string& management_url() const { return management_url_; }
  const std::string& comms_url() const { return comms_url_; }
  // The Wazuh 4.x listeners ("127.0.0.1:PORT"); empty when heraldd runs without them.
  const std::string& enrollment_address() const { return enrollment_address_; }
  const std::string& remote_address() const { return remote_address_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  void stop();

  std::filesystem::path data_dir_;
  bool keep_data_dir_ = false;
  pid_t pid_ = -1;
  std::string management_url_;
  std::string comms_url_;
  std::string enrollment_address_;
  std::string remote_address_;
  std::optional<std::string> ended_;
};

// The end of every run: notes in `result` whether `server` (null for an attached server) ended
// during the run, stops it (so its shutdown is part of no figure) and prints `result` to stdout.
// Returns `code`, or 1 when the server had ended.
int stop_server_and_report(std::unique_ptr<SpawnedServer> server, boost::json::object& result, int code);

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat; -1 if unknown.
double process_cpu_seconds(pid_t pid);
// CPU seconds this process has used so far.
double self_cpu_seconds();

}  // namespace herald::bench
