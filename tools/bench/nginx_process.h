// An nginx child process answering `return 204;` on a loopback port: the yardstick the http-ratio
// bench holds heraldd's request path against. Everything nginx writes (config, pid, error log,
// temp paths) lives in one temp dir that goes away with it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace herald::bench {

struct NginxOptions {
  std::filesystem::path binary = "/usr/sbin/nginx";
  std::string worker_processes = "auto";  // the worker_processes directive: "auto" or a count
  bool keep_dir = false;                  // leave the temp dir (nginx.conf, error.log) behind
  std::chrono::seconds ready_timeout{10};
};

class NginxProcess {
 public:
  // Writes the config, starts nginx in the foreground (daemon off, master + workers) and waits
  // until its port accepts a connection. Throws std::runtime_error when the binary is missing,
  // nginx exits early (the error log's tail is in the message) or it does not listen in time.
  explicit NginxProcess(const NginxOptions& options);
  // SIGTERM to the master (which stops its workers), SIGKILL after 10 s; removes the temp dir
  // unless asked to keep it.
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  unsigned short port() const { return port_; }
  pid_t master_pid() const { return pid_; }
  // The master and its current children (the workers), read from /proc now.
  std::vector<pid_t> pids() const;
  // Whether the master still runs (false once it has ended; not thread-safe).
  bool running();

 private:
  void stop();

  std::filesystem::path dir_;
  bool keep_dir_ = false;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// A loopback TCP port that was free a moment ago: bind 127.0.0.1:0, read the port, close.
// Another process may take it before the caller binds it. Throws std::runtime_error.
unsigned short pick_free_loopback_port();

}  // namespace herald::bench
