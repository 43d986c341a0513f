#include "support/nginx_server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "support/heraldd_process.h"  // eventually()
#include "support/ports.h"

namespace herald::test {

namespace {

// The snippet with its upstream servers and listen ports replaced. Comment lines never match:
// every pattern starts at the line's first non-blank character.
std::string rewrite_snippet(const std::string& snippet,
                            const std::map<std::string, std::vector<std::string>>& upstreams,
                            const std::map<int, int>& ports) {
  static const std::regex upstream_open(R"(^\s*upstream\s+([\w.-]+)\s*\{\s*$)");
  static const std::regex block_close(R"(^\s*\}.*$)");
  static const std::regex server_line(R"(^(\s*server\s+)[^\s;]+(.*)$)");
  static const std::regex listen_line(R"(^(\s*listen\s+)(\d+)(\b.*)$)");

  std::istringstream in(snippet);
  std::ostringstream out;
  std::string upstream;  // the upstream block we are in, if any
  std::map<std::string, std::size_t> replaced;
  std::set<int> listened;
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (std::regex_match(line, match, upstream_open)) {
      upstream = match[1];
      if (!upstreams.contains(upstream)) throw std::runtime_error("no addresses given for upstream " + upstream);
    } else if (!upstream.empty() && std::regex_match(line, block_close)) {
      upstream.clear();
    } else if (!upstream.empty() && std::regex_match(line, match, server_line)) {
      const auto& addresses = upstreams.at(upstream);
      auto& next = replaced[upstream];
      if (next >= addresses.size()) throw std::runtime_error("upstream " + upstream + " lists more servers than given");
      line = match[1].str() + addresses[next++] + match[2].str();
    } else if (std::regex_match(line, match, listen_line)) {
      const int shipped = std::stoi(match[2]);
      auto port = ports.find(shipped);
      if (port == ports.end()) throw std::runtime_error("unexpected listen port " + match[2].str());
      line = match[1].str() + "127.0.0.1:" + std::to_string(port->second) + match[3].str();
      listened.insert(shipped);
    }
    out << line << '\n';
  }
  for (const auto& [name, addresses] : upstreams) {
    if (replaced[name] != addresses.size()) {
      throw std::runtime_error("upstream " + name + " lists " + std::to_string(replaced[name]) + " servers, not " +
                               std::to_string(addresses.size()));
    }
  }
  for (const auto& [shipped, port] : ports) {
    if (!listened.contains(shipped)) throw std::runtime_error("no server listens on " + std::to_string(shipped));
  }
  return out.str();
}

}  // namespace

bool NginxServer::installed() {
  return ::access(kBinary, X_OK) == 0;
}

NginxServer::NginxServer(const std::filesystem::path& snippet,
                         const std::map<std::string, std::vector<std::string>>& upstreams,
                         const std::vector<int>& listen_ports) {
  if (!std::filesystem::exists(snippet)) throw std::runtime_error("no nginx snippet at " + snippet.string());
  for (int shipped : listen_ports) ports_[shipped] = free_loopback_port();
  const auto prefix = dir_.path().string();
  std::ofstream config(dir_.file("nginx.conf"));
  config << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
         << "pid " << prefix << "/nginx.pid;\nerror_log " << prefix << "/error.log warn;\n"
         << "events { worker_connections 1024; }\n"
         << "http {\n  access_log off;\n";
  // Debian's compiled-in temp paths are under /var/lib/nginx: keep everything in the prefix.
  for (const char* kind : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    config << "  " << kind << "_temp_path " << prefix << "/" << kind << ";\n";
  }
  config << rewrite_snippet(read_text(snippet), upstreams, ports_) << "}\n";
  // Workers run as `nobody` when the tests run as root: they must reach the temp paths.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
}

NginxServer::~NginxServer() {
  stop();
}

std::string NginxServer::url(int shipped_port) const {
  return "http://127.0.0.1:" + std::to_string(ports_.at(shipped_port));
}

std::string NginxServer::error_log() const {
  return read_text(dir_.path() / "error.log") + read_text(dir_.path() / "nginx.out");
}

std::string NginxServer::config() const {
  return read_text(dir_.path() / "nginx.conf");
}

void NginxServer::start() {
  if (pid_ > 0) return;
  // Everything the child needs is built before fork(): only exec-safe calls happen after it.
  const auto prefix = dir_.path().string();
  std::vector<std::string> arguments = {
      kBinary, "-p", prefix, "-c", dir_.file("nginx.conf"), "-e", dir_.file("error.log")};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const auto out_path = dir_.file("nginx.out");
  const pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its workers join this group: stop() can reach them all
    // Never outlive a crashed test run. SIGTERM, not SIGKILL: the master then takes its workers
    // down with it, where a killed master would leave them running.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also here, so that the group exists whichever process runs first

  bool up = eventually(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          throw std::runtime_error("nginx exited during start-up: " + error_log());
        }
        for (const auto& [shipped, port] : ports_) {
          if (!accepts_connections(port)) return false;
        }
        return true;
      },
      std::chrono::seconds(10));
  if (!up) {
    auto log = error_log();
    stop();
    throw std::runtime_error("nginx did not accept connections within 10 s: " + log);
  }
}

void NginxServer::stop() {
  if (pid_ <= 0) return;
  // SIGTERM is nginx's fast shutdown: workers drop their connections (long polls included) at once.
  ::kill(pid_, SIGTERM);
  int status = 0;
  bool exited = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(5));
  if (!exited) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

}  // namespace herald::test
