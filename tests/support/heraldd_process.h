#pragma once
// Starts a real heraldd (the built binary) on random loopback ports in a temp data dir, as an
// operator would, and stops it. Integration tests talk to it over real HTTP.
//
// Backend: SQLite in the temp dir, unless the environment says HERALD_TEST_BACKEND=postgres (CTest
// runs the Command Manager and Comms suites a second time that way): then each HeralddProcess
// gets a fresh database of the shared test PostgreSQL server, kept for its restarts. A config
// that names `storage:` itself is left alone.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "support/http_client.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace herald::test {

inline constexpr const char* kAdminPassword = "test-admin-password";

class HeralddProcess {
 public:
  // `extra_yaml` is appended to a config that sets data_dir and both listeners to 127.0.0.1:0.
  explicit HeralddProcess(std::string extra_yaml = "");
  // The backend the environment selects: "postgres" or "sqlite".
  static std::string test_backend();
  ~HeralddProcess();

  // Starts and waits (bounded) until it is ready. Throws with the server's output on failure.
  void start();
  // Sends `signal` and waits (bounded) for the exit; returns the exit status (or 128+signal).
  int stop(int signal = 15);
  // SIGKILL, as a crash would.
  void crash();
  // Runs heraldd with this config until it exits (for start-up failures); returns the exit code.
  int run_expecting_exit(std::string& output);

  pid_t pid() const { return pid_; }
  const std::string& management_url() const { return management_url_; }
  const std::string& comms_url() const { return comms_url_; }
  // Wazuh 4.x listeners: "127.0.0.1:<port>" (random ports unless the config names `legacy:`).
  const std::string& enrollment_address() const { return enrollment_address_; }
  const std::string& remote_address() const { return remote_address_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::string output() const;  // what heraldd printed so far
  void set_config_yaml(std::string yaml) { extra_yaml_ = std::move(yaml); }
  // Another data_dir than <temp>/var (e.g. one whose parent is missing).
  void set_data_dir(std::filesystem::path path) { data_dir_ = std::move(path); }
  // $HERALD_ADMIN_PASSWORD for start(); nullopt leaves it unset (heraldd generates one).
  void set_admin_password_env(std::optional<std::string> password) { admin_password_env_ = std::move(password); }
  void set_management_listen(std::string address) { management_listen_ = std::move(address); }
  // Extra keys inside the comms mapping, e.g. "commands_poll_timeout: 2s, tls: {enabled: yes}".
  void set_comms_options(std::string options) { comms_options_ = std::move(options); }

  // A management client already authenticated with a Bearer token for admin.
  HttpClient admin_client() const;
  std::string admin_token() const;

 private:
  void write_config() const;
  std::string storage_yaml() const;  // the backend the environment asks for ("" for SQLite)
  std::string legacy_yaml() const;   // random loopback ports for 1515/1514 unless the test sets `legacy:`

  TempDir dir_;
  std::unique_ptr<PostgresDatabase> database_;  // HERALD_TEST_BACKEND=postgres
  std::filesystem::path data_dir_;
  std::string extra_yaml_;
  std::string management_listen_ = "127.0.0.1:0";
  std::string comms_options_;
  std::optional<std::string> admin_password_env_ = kAdminPassword;
  pid_t pid_ = -1;
  std::string management_url_;
  std::string comms_url_;
  std::string enrollment_address_;
  std::string remote_address_;
};

// Runs heraldd with `config` until it exits (bounded: 20 s, then SIGKILL), its output into
// `output_file`; as uid/gid 65534 (nobody) when `unprivileged` and the tests run as root (root
// reads a mode-000 file). Returns the exit code (128+signal when killed by one), -1 on timeout.
int run_heraldd_until_exit(const std::filesystem::path& config, const std::filesystem::path& output_file,
                           bool unprivileged);

// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace herald::test

#include <thread>

template <class Condition>
bool herald::test::eventually(Condition condition, std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}
