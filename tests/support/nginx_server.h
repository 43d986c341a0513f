#pragma once
// A real nginx (Debian's nginx-light, /usr/sbin/nginx) in front of test servers, running a
// configuration the project ships: the `http {}` snippet is used as it is, except that its
// upstream `server` addresses and its `listen` ports are rewritten to loopback ones, so a test
// exercises the shipped directives. nginx runs in a temp prefix of its own (config, pid file,
// logs, temp paths) and in its own process group, and goes, workers included, with this object.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace herald::test {

class NginxServer {
 public:
  static constexpr const char* kBinary = "/usr/sbin/nginx";
  static bool installed();

  // `upstreams`: for each upstream block of the snippet, by name, the "host:port" addresses that
  // replace its `server` lines in order (as many as it lists). `listen_ports`: the ports the
  // snippet's servers listen on; each gets a free loopback port instead. Throws
  // std::runtime_error when the snippet does not have that shape (so a changed file is noticed).
  NginxServer(const std::filesystem::path& snippet, const std::map<std::string, std::vector<std::string>>& upstreams,
              const std::vector<int>& listen_ports);
  // Stops nginx (see stop()).
  ~NginxServer();
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  // Starts nginx and waits (bounded) until every listen port accepts connections. Throws with
  // the error log when nginx exits or does not come up.
  void start();
  // Fast shutdown (SIGTERM), bounded; then SIGKILL to the whole process group. No-op when stopped.
  void stop();

  // "http://127.0.0.1:<port>" of the server that the snippet has listening on `shipped_port`.
  std::string url(int shipped_port) const;
  std::string error_log() const;
  std::string config() const;  // the nginx.conf it runs

 private:
  TempDir dir_;
  std::map<int, int> ports_;  // shipped listen port -> loopback port
  pid_t pid_ = -1;
};

}  // namespace herald::test
