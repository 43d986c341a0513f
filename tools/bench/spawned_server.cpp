#include "spawned_server.h"

#include "fleet.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace herald::bench {

namespace fs = std::filesystem;

namespace {

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "herald-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

void write_config(const fs::path& path, const fs::path& data_dir, const SpawnOptions& options) {
  std::ofstream out(path);
  out << "data_dir: " << data_dir.string() << "\n"
      << "management: {listen: \"127.0.0.1:0\"}\n"
      << "comms: {listen: \"127.0.0.1:0\"";
  if (options.comms_poll_timeout_s > 0) out << ", commands_poll_timeout: " << options.comms_poll_timeout_s << "s";
  out << "}\n"
      << "legacy: {enrollment: {listen: \"127.0.0.1:0\"}, remote: {listen: \"127.0.0.1:0\"}}\n"
      << "logging: {level: " << options.log_level << "}\n";
  if (!options.synchronous.empty()) out << "storage: {synchronous: " << options.synchronous << "}\n";
  // A fleet comes from a few loopback addresses: no per-address cap below the whole limit.
  if (options.max_connections > 0) {
    out << "http: {max_connections: " << options.max_connections
        << ", max_connections_per_address: " << options.max_connections << "}\n";
  }
  std::string keepalive;
  const auto add = [&keepalive](const char* key, long seconds) {
    if (seconds <= 0) return;
    keepalive += (keepalive.empty() ? "" : ", ") + std::string(key) + ": " + std::to_string(seconds) + "s";
  };
  add("interval", options.keepalive_interval_s);
  add("timeout", options.keepalive_timeout_s);
  add("flush_interval", options.keepalive_flush_interval_s);
  if (!keepalive.empty()) out << "remote: {manager_keepalive: {enabled: yes, " << keepalive << "}}\n";
  out << options.extra_config;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// A URL ("management", "comms") or address ("enrollment", "remote") from the ready file, or empty while it is missing or half-written.
std::string read_ready_file(const fs::path& path, const char* which = "management") {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  boost::json::error_code ec;
  auto ready = boost::json::parse(text.str(), ec);
  if (ec || !ready.is_object()) return {};
  const auto* url = ready.as_object().if_contains(which);
  return url && url->is_string() ? std::string(url->get_string()) : std::string();
}

}  // namespace

SpawnedServer::SpawnedServer(const SpawnOptions& options) : keep_data_dir_(options.keep_data_dir) {
  if (!fs::exists(options.heraldd)) throw std::runtime_error("no heraldd at " + options.heraldd.string());
  data_dir_ = make_temp_dir();
  const auto config_path = data_dir_ / "heraldd.yaml";
  const auto log_path = data_dir_ / "heraldd.log";
  write_config(config_path, data_dir_, options);

  const std::string binary = fs::absolute(options.heraldd).string();  // the child changes directory
  const std::string config = config_path.string();
  const std::string threads = std::to_string(options.threads);
  ::setenv("HERALD_ADMIN_PASSWORD", options.admin_password.c_str(), 1);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // Never outlive the bench, even when it is killed before it can stop us.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    // A crash under load leaves its core (core_pattern permitting) next to the database and log.
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    ::setrlimit(RLIMIT_CORE, &unlimited);
    if (::chdir(data_dir_.c_str()) != 0) ::_exit(126);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log_fd >= 0) {
      ::dup2(log_fd, STDOUT_FILENO);
      ::dup2(log_fd, STDERR_FILENO);
      ::close(log_fd);
    }
    if (options.threads > 0) {
      ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), "--threads", threads.c_str(),
              static_cast<char*>(nullptr));
    } else {
      ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), static_cast<char*>(nullptr));
    }
    ::_exit(127);
  }
  ::unsetenv("HERALD_ADMIN_PASSWORD");

  const auto ready_path = data_dir_ / "heraldd.ready";
  const auto give_up = std::chrono::steady_clock::now() + options.ready_timeout;
  while (management_url_.empty()) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("heraldd exited before it was ready; see " + log_path.string());
    }
    if (std::chrono::steady_clock::now() > give_up) {
      stop();
      throw std::runtime_error("heraldd was not ready in time; see " + log_path.string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    management_url_ = read_ready_file(ready_path);
  }
  comms_url_ = read_ready_file(ready_path, "comms");
  enrollment_address_ = read_ready_file(ready_path, "enrollment");
  remote_address_ = read_ready_file(ready_path, "remote");
  spdlog::info("spawned heraldd pid {} on {} (data dir {})", pid_, management_url_, data_dir_.string());
}

SpawnedServer::~SpawnedServer() {
  stop();
  if (keep_data_dir_) {
    spdlog::info("kept heraldd data dir {}", data_dir_.string());
  } else {
    std::error_code ignored;
    fs::remove_all(data_dir_, ignored);
  }
}

std::optional<std::string> SpawnedServer::ended() {
  if (pid_ <= 0) return ended_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  keep_data_dir_ = true;
  if (WIFSIGNALED(status)) {
    ended_ = "killed by signal " + std::to_string(WTERMSIG(status)) + " (" + ::strsignal(WTERMSIG(status)) + ")";
  } else {
    ended_ = "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  return ended_;
}

void SpawnedServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > give_up) {
      spdlog::warn("heraldd pid {} ignored SIGTERM for 30 s; killing it", pid_);
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

int stop_server_and_report(std::unique_ptr<SpawnedServer> server, boost::json::object& result, int code) {
  if (server) {
    if (auto ended = server->ended()) {
      spdlog::error("heraldd {} during the run; its data dir and log are kept in {}", *ended,
                    server->data_dir().string());
      result["server_ended"] = *ended;
      result["server_data_dir"] = server->data_dir().string();
      code = 1;
    }
  }
  server.reset();
  std::cout << boost::json::serialize(result) << std::endl;
  return code;
}

double process_cpu_seconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoll(field);
    if (index == 15) {
      stime = std::stoll(field);
      return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
    }
  }
  return -1;
}

double self_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::filesystem::path default_heraldd() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "heraldd";
  return (self.parent_path() / ".." / ".." / "src" / "app" / "heraldd").lexically_normal();
}

std::string random_password() {
  const auto uuid = random_uuid_v4();
  return "Bench-" + uuid.substr(0, 8) + uuid.substr(24) + "!";
}

}  // namespace herald::bench
