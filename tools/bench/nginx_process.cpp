#include "nginx_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace herald::bench {

namespace fs = std::filesystem;

namespace {

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "herald-bench-nginx-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

sockaddr_in loopback(unsigned short port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool accepts_connection(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto address = loopback(port);
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// `nginx -V` (printed on stderr): the configure arguments, to know which modules were left out.
std::string configure_arguments(const fs::path& binary) {
  const std::string command = "'" + binary.string() + "' -V 2>&1";
  std::string text;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char chunk[512];
    while (const auto n = std::fread(chunk, 1, sizeof chunk, pipe)) text.append(chunk, n);
    ::pclose(pipe);
  }
  return text;
}

// Every temp path nginx creates at start-up points into `dir`, or it would create them under
// /var/lib/nginx. A module built out (nginx-light has had several) must not be named: its
// directive would be unknown.
std::string temp_path_directives(const fs::path& binary, const fs::path& dir) {
  const std::string arguments = configure_arguments(binary);
  std::string out;
  for (const char* module : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    const std::string name(module);
    if (name != "client_body" && arguments.find("--without-http_" + name + "_module") != std::string::npos) continue;
    out += "  " + name + "_temp_path \"" + (dir / (name + "_temp")).string() + "\";\n";
  }
  return out;
}

// Started as root, nginx runs its workers as "nobody" in group "nobody", a group Debian does not
// have; name the user's own group instead.
std::string user_directive() {
  if (::geteuid() != 0) return {};
  const passwd* user = ::getpwnam("nobody");
  const group* primary = user != nullptr ? ::getgrgid(user->pw_gid) : nullptr;
  if (primary == nullptr) return "user root;\n";
  return std::string("user nobody ") + primary->gr_name + ";\n";
}

void write_config(const fs::path& path, const fs::path& dir, const NginxOptions& options, unsigned short port) {
  std::ofstream out(path);
  out << "daemon off;\n"
      << "master_process on;\n"
      << user_directive()
      << "worker_processes " << options.worker_processes << ";\n"
      << "pid \"" << (dir / "nginx.pid").string() << "\";\n"
      << "error_log \"" << (dir / "error.log").string() << "\" warn;\n"
      << "events { worker_connections 4096; }\n"
      << "http {\n"
      << "  access_log off;\n"
      << "  keepalive_requests 100000000;\n"
      << temp_path_directives(options.binary, dir)
      << "  server {\n"
      << "    listen 127.0.0.1:" << port << ";\n"
      << "    location / { return 204; }\n"
      << "  }\n"
      << "}\n";
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string tail_of(const fs::path& path, std::size_t max_bytes = 600) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto all = text.str();
  if (all.size() > max_bytes) all = "..." + all.substr(all.size() - max_bytes);
  while (!all.empty() && (all.back() == '\n' || all.back() == ' ')) all.pop_back();
  return all;
}

pid_t parent_of(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the ")" that closes the command name: state (3), then ppid (4).
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  pid_t parent = -1;
  fields >> state >> parent;
  return fields ? parent : -1;
}

}  // namespace

unsigned short pick_free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  auto address = loopback(0);
  socklen_t length = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("cannot bind a loopback port");
  return ntohs(address.sin_port);
}

NginxProcess::NginxProcess(const NginxOptions& options) : keep_dir_(options.keep_dir) {
  if (!fs::exists(options.binary)) {
    throw std::runtime_error("no nginx at " + options.binary.string() + " (apt-get install -y nginx-light)");
  }
  dir_ = make_temp_dir();
  port_ = pick_free_loopback_port();
  const auto config_path = dir_ / "nginx.conf";
  const auto error_log = dir_ / "error.log";
  const auto output_path = dir_ / "nginx.out";
  write_config(config_path, dir_, options, port_);

  const std::string binary = options.binary.string();
  const std::string prefix = dir_.string() + "/";
  const std::string config = config_path.string();
  const std::string error_log_arg = error_log.string();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Never outlive the bench: on SIGTERM the master stops its workers too.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    const int output_fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (output_fd >= 0) {
      ::dup2(output_fd, STDOUT_FILENO);
      ::dup2(output_fd, STDERR_FILENO);
      ::close(output_fd);
    }
    ::execl(binary.c_str(), binary.c_str(), "-p", prefix.c_str(), "-c", config.c_str(), "-e", error_log_arg.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }

  const auto give_up = std::chrono::steady_clock::now() + options.ready_timeout;
  while (!accepts_connection(port_)) {
    if (!running()) {
      const auto why = tail_of(error_log) + " " + tail_of(output_path);
      stop();
      throw std::runtime_error("nginx exited before it listened on port " + std::to_string(port_) + ": " + why);
    }
    if (std::chrono::steady_clock::now() > give_up) {
      stop();
      throw std::runtime_error("nginx did not listen on port " + std::to_string(port_) + " in time; see " +
                               error_log.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  spdlog::info("spawned nginx pid {} on 127.0.0.1:{} (dir {})", pid_, port_, dir_.string());
}

NginxProcess::~NginxProcess() {
  stop();
  std::error_code ignored;
  if (keep_dir_) {
    spdlog::info("kept nginx dir {}", dir_.string());
  } else {
    fs::remove_all(dir_, ignored);
  }
}

std::vector<pid_t> NginxProcess::pids() const {
  std::vector<pid_t> out;
  if (pid_ <= 0) return out;
  out.push_back(pid_);
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (parent_of(name) == pid_) out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

bool NginxProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  return false;
}

void NginxProcess::stop() {
  if (pid_ <= 0) return;
  const auto children = pids();
  ::kill(pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      spdlog::warn("nginx pid {} ignored SIGTERM for 10 s; killing it and its workers", pid_);
      for (const pid_t child : children) ::kill(child, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
}

}  // namespace herald::bench
