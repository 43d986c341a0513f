#include "support/nats_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/heraldd_process.h"  // eventually()
#include "support/ports.h"

namespace herald::test {

namespace {

bool executable(const std::filesystem::path& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<std::filesystem::path> NatsServer::binary() {
  if (const char* configured = std::getenv("HERALD_NATS_SERVER"); configured != nullptr && *configured != '\0') {
    if (executable(configured)) return std::filesystem::path(configured);
  }
  // Debian installs it in /usr/sbin, which is not on every user's PATH.
  for (const char* candidate : {"/usr/bin/nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server"}) {
    if (executable(candidate)) return std::filesystem::path(candidate);
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::stringstream directories(path);
    std::string directory;
    while (std::getline(directories, directory, ':')) {
      if (!directory.empty() && executable(std::filesystem::path(directory) / "nats-server")) {
        return std::filesystem::path(directory) / "nats-server";
      }
    }
  }
  return std::nullopt;
}

NatsServer::NatsServer() : port_(free_loopback_port()) {}

NatsServer::~NatsServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string NatsServer::log() const {
  std::ifstream file(dir_.file("nats-server.log"));
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

void NatsServer::start() {
  if (pid_ > 0) return;
  auto path = binary();
  if (!path) throw std::runtime_error("nats-server is not installed");
  // Everything the child needs is built before fork(): only exec-safe calls happen after it.
  std::string program = path->string();
  std::string port = std::to_string(port_);
  std::string store = (dir_.path() / "js").string();
  std::string log_path = dir_.file("nats-server.log");
  std::vector<std::string> arguments = {program,     "-js", "-sd", store, "-a",
                                        "127.0.0.1", "-p",  port,  "-n",  "herald-test"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test run
    if (::getppid() != parent) ::_exit(126);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }

  bool up = eventually(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          throw std::runtime_error("nats-server exited during start-up: " + log());
        }
        return accepts_connections(port_);
      },
      std::chrono::seconds(10));
  if (!up) {
    stop();
    throw std::runtime_error("nats-server did not accept connections within 10 s: " + log());
  }
}

void NatsServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  bool exited = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(10));
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

void NatsServer::wipe_store() {
  if (running()) throw std::logic_error("wipe_store() needs the server stopped");
  std::filesystem::remove_all(dir_.path() / "js");
}

}  // namespace herald::test
