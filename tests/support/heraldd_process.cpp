#include "support/heraldd_process.h"

#include <boost/json.hpp>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace herald::test {

namespace {

// The heraldd under test: the one built with the tests, or $HERALD_TEST_HERALDD (to check that a
// test fails against another build, e.g. the one before a fix).
const char* heraldd_binary() {
  const char* chosen = std::getenv("HERALD_TEST_HERALDD");
  return chosen != nullptr && *chosen != '\0' ? chosen : HERALDD_PATH;
}

}  // namespace


namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// In a ThreadSanitizer build, a race heraldd reports fails the test that ran it. heraldd's output
// goes with the test's temporary directory, so the report is shown here, from its first line on.
void check_for_race_reports(const std::string& output) {
  const auto report = output.find("WARNING: ThreadSanitizer");
  if (report == std::string::npos) return;
  const auto line_start = output.rfind('\n', report);
  ADD_FAILURE() << "heraldd made a ThreadSanitizer report:\n"
                << output.substr(line_start == std::string::npos ? 0 : line_start + 1);
}
}  // namespace

HeralddProcess::HeralddProcess(std::string extra_yaml)
    : data_dir_(dir_.path() / "var"), extra_yaml_(std::move(extra_yaml)) {
  if (test_backend() == "postgres") database_ = std::make_unique<PostgresDatabase>(PostgresServer::shared());
}

std::string HeralddProcess::test_backend() {
  const char* backend = std::getenv("HERALD_TEST_BACKEND");
  return backend != nullptr && std::string(backend) == "postgres" ? "postgres" : "sqlite";
}

std::string HeralddProcess::storage_yaml() const {
  if (!database_ || extra_yaml_.find("storage:") != std::string::npos) return "";
  return "storage: {backend: postgres, dsn: \"" + database_->dsn() + "\"}\n";
}

std::string HeralddProcess::legacy_yaml() const {
  if (extra_yaml_.find("legacy:") != std::string::npos) return "";
  return "legacy: {enrollment: {listen: \"127.0.0.1:0\"}, remote: {listen: \"127.0.0.1:0\"}}\n";
}

HeralddProcess::~HeralddProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    check_for_race_reports(output());
  }
}

void HeralddProcess::write_config() const {
  std::ofstream config(dir_.file("heraldd.yml"));
  config << "data_dir: " << data_dir_.string() << "\n"
         << "management: {listen: \"" << management_listen_ << "\"}\n"
         << "comms: {listen: \"127.0.0.1:0\"" << (comms_options_.empty() ? "" : ", " + comms_options_) << "}\n"
         << "logging: {level: warn}\n"
         << storage_yaml() << legacy_yaml() << extra_yaml_ << "\n";
}

std::string HeralddProcess::output() const { return read_text(dir_.path() / "heraldd.out"); }

void HeralddProcess::start() {
  write_config();
  std::filesystem::remove(data_dir_ / "heraldd.ready");
  auto out_path = dir_.file("heraldd.out");
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (admin_password_env_) {
      ::setenv("HERALD_ADMIN_PASSWORD", admin_password_env_->c_str(), 1);
    } else {
      ::unsetenv("HERALD_ADMIN_PASSWORD");
    }
    auto config = dir_.file("heraldd.yml");
    ::execl(heraldd_binary(), "heraldd", "--config", config.c_str(), "--threads", "2", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  auto ready = data_dir_ / "heraldd.ready";
  bool up = eventually(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          throw std::runtime_error("heraldd exited during start-up (" + std::to_string(exit_code(status)) +
                                   "): " + output());
        }
        return std::filesystem::exists(ready) && !read_text(ready).empty();
      },
      std::chrono::seconds(30));
  if (!up) throw std::runtime_error("heraldd did not become ready: " + output());
  auto info = boost::json::parse(read_text(ready)).as_object();
  management_url_ = std::string(info.at("management").as_string());
  comms_url_ = std::string(info.at("comms").as_string());
  auto text_at = [&info](const char* key) {
    const auto* value = info.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->get_string()) : std::string();
  };
  enrollment_address_ = text_at("enrollment");
  remote_address_ = text_at("remote");
}

int HeralddProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  bool exited = eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, std::chrono::seconds(30));
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  check_for_race_reports(output());
  return exit_code(status);
}

void HeralddProcess::crash() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  check_for_race_reports(output());
}

int run_heraldd_until_exit(const std::filesystem::path& config, const std::filesystem::path& output_file,
                           bool unprivileged) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (unprivileged && ::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(126);
    }
    ::execl(heraldd_binary(), "heraldd", "--config", config.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  bool exited = eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, std::chrono::seconds(20));
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    check_for_race_reports(read_text(output_file));
    return -1;
  }
  check_for_race_reports(read_text(output_file));
  return exit_code(status);
}

int HeralddProcess::run_expecting_exit(std::string& output_text) {
  write_config();
  const int code = run_heraldd_until_exit(dir_.file("heraldd.yml"), dir_.file("heraldd.out"), false);
  output_text = output();
  return code;
}

std::string HeralddProcess::admin_token() const {
  HttpClient client(management_url_);
  auto reply = client.request("POST", "/security/user/authenticate?raw=true", "",
                              {{"Authorization", basic_authorization("admin", kAdminPassword)}});
  if (reply.status != 200) throw std::runtime_error("admin login failed: " + reply.body);
  return reply.body;
}

HttpClient HeralddProcess::admin_client() const {
  HttpClient client(management_url_);
  client.set_authorization("Bearer " + admin_token());
  return client;
}

}  // namespace herald::test
