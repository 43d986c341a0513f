#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace herald::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSuperuser = "herald";
// Bump when the cached template cluster must be made again (initdb options, pg_hba.conf).
constexpr const char* kTemplateVersion = "v2";
// Empty databases made in the cached cluster, so that a test binary running one test (as ctest
// does) never waits for CREATE DATABASE.
constexpr int kSpareDatabases = 3;

std::string database_name(int n) {
  return "herald_test_" + std::to_string(n);
}
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);

// Trust on loopback, except the password role; the socket is only reachable by its owner.
constexpr const char* kHbaConf =
    "local all all trust\n"
    "host all herald_password 127.0.0.1/32 scram-sha-256\n"
    "host all all 127.0.0.1/32 trust\n";

struct Binaries {
  fs::path dir;
  std::string major;  // "15"
};

std::optional<Binaries> find_binaries(std::string* why) {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("HERALD_POSTGRES_BINDIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  candidates.emplace_back("/usr/lib/postgresql/15/bin");
  std::error_code ec;
  std::vector<fs::path> others;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) others.push_back(entry.path() / "bin");
  std::sort(others.rbegin(), others.rend());
  candidates.insert(candidates.end(), others.begin(), others.end());
  for (const auto& dir : candidates) {
    if (::access((dir / "initdb").c_str(), X_OK) == 0 && ::access((dir / "postgres").c_str(), X_OK) == 0) {
      return Binaries{dir, dir.parent_path().filename().string()};
    }
  }
  if (why != nullptr) {
    *why =
        "PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin or "
        "$HERALD_POSTGRES_BINDIR; install the Debian package `postgresql` (scripts/deps.sh does)";
  }
  return std::nullopt;
}

// Who the server runs as: ourselves, or the `postgres` system user when we are root.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

std::optional<RunAs> run_as(std::string* why) {
  if (::geteuid() != 0) return RunAs{false, ::geteuid(), ::getegid()};
  const passwd* user = ::getpwnam("postgres");
  if (user == nullptr) {
    if (why != nullptr) *why = "running as root and there is no `postgres` system user to run PostgreSQL as";
    return std::nullopt;
  }
  return RunAs{true, user->pw_uid, user->pw_gid};
}

std::string read_tail(const fs::path& path, std::size_t bytes = 3000) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto all = text.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

// Runs `argv` as `who` with output appended to `log`, in directory `cwd`. With
// `die_with_parent`, the child gets SIGQUIT (PostgreSQL's immediate shutdown) if we die first.
pid_t spawn(const std::vector<std::string>& argv, const fs::path& log, const fs::path& cwd, const RunAs& who,
            bool die_with_parent, const fs::path& input = "/dev/null") {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null_fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open " + log.string() + " or " + input.string());
  const pid_t parent = ::getpid();
  const std::string dir = cwd.string();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    if (who.switch_user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) ::_exit(126);
    }
    // Set after the user switch, which clears it.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(126);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int wait_for_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void chown_tree(const fs::path& root, const RunAs& who) {
  if (!who.switch_user) return;
  if (::lchown(root.c_str(), who.uid, who.gid) != 0) throw std::runtime_error("cannot chown " + root.string());
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (::lchown(entry.path().c_str(), who.uid, who.gid) != 0) {
      throw std::runtime_error("cannot chown " + entry.path().string());
    }
  }
}

// Where clusters live: memory (/dev/shm) when it has room, since copying a cluster and running it
// on a disk that parallel builds keep busy takes seconds; the temp dir otherwise.
// $HERALD_POSTGRES_TMPDIR overrides.
fs::path scratch_root() {
  if (const char* env = std::getenv("HERALD_POSTGRES_TMPDIR"); env != nullptr && *env != '\0') return env;
  struct statvfs stats {};
  constexpr unsigned long long kNeeded = 1ULL << 30;
  if (::statvfs("/dev/shm", &stats) == 0 && ::access("/dev/shm", W_OK) == 0 &&
      static_cast<unsigned long long>(stats.f_bavail) * stats.f_frsize >= kNeeded) {
    return "/dev/shm";
  }
  return fs::temp_directory_path();
}

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (scratch_root() / (prefix + "XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

// The initdb'd cluster every server copies, made once per machine, user and major version.
// Made in a staging directory and renamed into place, so concurrent test binaries either see a
// complete template or make their own and the first rename wins.
fs::path template_cluster(const Binaries& binaries, const RunAs& who) {
  const fs::path path = scratch_root() / ("herald-pg" + binaries.major + "-template-u" + std::to_string(who.uid) + "-" +
                                          kTemplateVersion);
  if (fs::exists(path / "data" / "PG_VERSION")) return path;
  const fs::path staging = make_temp_dir(path.filename().string() + ".staging-");
  ::chmod(staging.c_str(), 0755);
  chown_tree(staging, who);
  const std::vector<std::string> argv{(binaries.dir / "initdb").string(),
                                      "-D",
                                      (staging / "data").string(),
                                      "-U",
                                      kSuperuser,
                                      "-A",
                                      "trust",
                                      "-E",
                                      "UTF8",
                                      "--locale=C",
                                      "--no-sync"};
  const fs::path log = staging / "initdb.log";
  if (int code = wait_for_exit(spawn(argv, log, staging, who, true)); code != 0) {
    auto tail = read_tail(log);
    fs::remove_all(staging);
    throw std::runtime_error("initdb failed (exit " + std::to_string(code) + "): " + tail);
  }
  {
    std::ofstream hba(staging / "data" / "pg_hba.conf", std::ios::trunc);
    hba << kHbaConf;
    std::ofstream spares(staging / "spares.sql", std::ios::trunc);
    for (int n = 1; n <= kSpareDatabases; ++n) spares << "CREATE DATABASE " << database_name(n) << "\n";
  }
  chown_tree(staging, who);
  // Single-user mode: no server to start and wait for, one command per input line.
  const std::vector<std::string> single{(binaries.dir / "postgres").string(),
                                        "--single",
                                        "-D",
                                        (staging / "data").string(),
                                        "-c",
                                        "fsync=off",
                                        "postgres"};
  if (int code = wait_for_exit(spawn(single, log, staging, who, true, staging / "spares.sql")); code != 0) {
    auto tail = read_tail(log);
    fs::remove_all(staging);
    throw std::runtime_error("creating the spare databases failed (exit " + std::to_string(code) + "): " + tail);
  }
  std::error_code ec;
  fs::rename(staging, path, ec);
  if (ec) fs::remove_all(staging);  // another binary's template won the race
  return path;
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace

std::string PostgresServer::unavailable_reason() {
  std::string why;
  if (!find_binaries(&why) || !run_as(&why)) return why;
  return {};
}

PostgresServer& PostgresServer::shared() {
  static std::mutex mutex;
  static std::unique_ptr<PostgresServer> server;
  static std::string failure;
  std::lock_guard lock(mutex);
  if (!server) {
    if (!failure.empty()) throw std::runtime_error(failure);  // failed once: do not retry per test
    try {
      server = std::make_unique<PostgresServer>();
    } catch (const std::exception& e) {
      failure = e.what();
      throw;
    }
  }
  return *server;
}

PostgresServer::PostgresServer() {
  std::string why;
  auto binaries = find_binaries(&why);
  auto who = run_as(&why);
  if (!binaries || !who) throw std::runtime_error(why);
  const auto cluster = template_cluster(*binaries, *who);
  dir_ = make_temp_dir("herald-pg-");
  for (int n = kSpareDatabases; n >= 1; --n) idle_databases_.push_back(database_name(n));
  next_database_ = kSpareDatabases + 1;
  try {
    ::chmod(dir_.c_str(), 0755);
    fs::copy(cluster / "data", dir_ / "data", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    fs::permissions(dir_ / "data", fs::perms::owner_all);  // PostgreSQL insists on 0700
    chown_tree(dir_, *who);
    // A port taken between our probe and the server's bind: try another.
    for (int attempt = 1;; ++attempt) {
      port_ = free_loopback_port();
      try {
        launch();
        wait_until_ready();
        break;
      } catch (const std::exception&) {
        if (attempt == 3 || running()) throw;
      }
    }
  } catch (...) {
    if (running()) stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
}

PostgresServer::~PostgresServer() {
  resume();  // a stopped process would not hear the shutdown
  if (running()) stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PostgresServer::launch() {
  auto binaries = find_binaries(nullptr);
  auto who = run_as(nullptr);
  const std::vector<std::string> argv{(binaries->dir / "postgres").string(),
                                      "-D",
                                      (dir_ / "data").string(),
                                      "-p",
                                      std::to_string(port_),
                                      "-k",
                                      dir_.string(),
                                      "-c",
                                      "listen_addresses=127.0.0.1",
                                      "-c",
                                      "fsync=off",
                                      "-c",
                                      "full_page_writes=off",
                                      "-c",
                                      "shared_buffers=32MB",
                                      "-c",
                                      "max_connections=200",
                                      "-c",
                                      "logging_collector=off"};
  pid_ = spawn(argv, dir_ / "server.log", dir_, *who, true);
}

void PostgresServer::wait_until_ready() {
  const std::string probe = dsn("postgres") + " connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  for (auto pause = std::chrono::milliseconds(5);; pause = std::min(pause * 2, std::chrono::milliseconds(100))) {
    if (PQping(probe.c_str()) == PQPING_OK) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("PostgreSQL exited while starting: " + read_tail(dir_ / "server.log"));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("PostgreSQL did not accept connections in time: " + read_tail(dir_ / "server.log"));
    }
    std::this_thread::sleep_for(pause);  // polling with backoff, bounded by the deadline
  }
}

void PostgresServer::stop() {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: sessions are ended, the data stays consistent
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  for (;;) {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

void PostgresServer::pause() {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0 || !paused_.empty()) return;
  // The postmaster first (no new backends), then its children as /proc lists them.
  ::kill(pid_, SIGSTOP);
  paused_.push_back(pid_);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    std::istringstream rest(line.substr(line.rfind(')') + 1));
    std::string state;
    pid_t parent = 0;
    if (rest >> state >> parent && parent == pid_) {
      const pid_t child = static_cast<pid_t>(std::stol(name));
      if (::kill(child, SIGSTOP) == 0) paused_.push_back(child);
    }
  }
}

void PostgresServer::resume() {
  std::lock_guard lock(mutex_);
  for (auto it = paused_.rbegin(); it != paused_.rend(); ++it) ::kill(*it, SIGCONT);
  paused_.clear();
}

void PostgresServer::start() {
  {
    std::lock_guard lock(mutex_);
    if (pid_ > 0) return;
    launch();
  }
  wait_until_ready();
}

std::string PostgresServer::dsn(const std::string& database) const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=" + kSuperuser + " dbname=" + database;
}

std::string PostgresServer::run_admin(const std::string& database, const std::string& sql) {
  const std::string conninfo = dsn(database) + " connect_timeout=10";
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + std::string(PQerrorMessage(conn.get())));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("test PostgreSQL: " + std::string(PQresultErrorMessage(result.get())) + " in: " + sql);
  }
  if (PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0) return {};
  return PQgetvalue(result.get(), 0, 0);
}

void PostgresServer::execute(const std::string& database, const std::string& sql) {
  run_admin(database, sql);
}

std::string PostgresServer::query_text(const std::string& database, const std::string& sql) {
  return run_admin(database, sql);
}

std::string PostgresServer::acquire_database() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_databases_.empty()) {
      auto name = idle_databases_.back();
      idle_databases_.pop_back();
      return name;
    }
  }
  std::string name;
  {
    std::lock_guard lock(mutex_);
    name = database_name(next_database_++);
  }
  // The name is ours (a counter), never input: identifiers cannot be bound parameters.
  run_admin("postgres", "CREATE DATABASE " + name);
  return name;
}

void PostgresServer::release_database(const std::string& name) {
  if (!running()) return;
  try {
    run_admin(name,
              "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
              "WHERE datname = current_database() AND pid <> pg_backend_pid();"
              "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    std::lock_guard lock(mutex_);
    idle_databases_.push_back(name);
  } catch (const std::exception&) {
    try {
      run_admin("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception&) {
      // A database left behind goes away with the server's directory.
    }
  }
}

void PostgresServer::create_password_role(const std::string& database, const std::string& password) {
  // Test-only fixed values; PostgreSQL cannot bind parameters in CREATE ROLE.
  run_admin("postgres", std::string("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '") +
                            kPasswordRole + "') THEN CREATE ROLE " + kPasswordRole + " LOGIN; END IF; END$$");
  run_admin("postgres", std::string("ALTER ROLE ") + kPasswordRole + " PASSWORD '" + password + "'");
  run_admin("postgres", "GRANT ALL ON DATABASE " + database + " TO " + kPasswordRole);
  run_admin(database, std::string("GRANT ALL ON SCHEMA public TO ") + kPasswordRole);
}

}  // namespace herald::test
