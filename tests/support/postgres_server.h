#pragma once
// A real PostgreSQL server for tests, started from the Debian packages' binaries
// (/usr/lib/postgresql/<major>/bin, or $HERALD_POSTGRES_BINDIR): the data directory is a copy of
// a cluster initdb'd once per machine (cached, since initdb takes seconds; clusters live in
// /dev/shm when it has room, else the temp dir, or in $HERALD_POSTGRES_TMPDIR),
// the server listens on a random free loopback port with its unix socket inside its own temp
// directory, fsync is off, and it runs as the `postgres` system user when the tests run as root
// (PostgreSQL refuses to run as root). Logins from loopback are trusted, except for the role
// kPasswordRole, which must give its password (for tests of authentication errors).
//
// Threads: methods are safe for concurrent use, but construct servers (and call shared() for the
// first time) from the test's main thread: the server is told to quit when the thread that
// started it ends, so that a crashed test binary leaves no server behind.
#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace herald::test {

class PostgresServer {
 public:
  // A role that logs in with a password (scram-sha-256), created by create_password_role().
  static constexpr const char* kPasswordRole = "herald_password";

  // Empty when the PostgreSQL server binaries can be run here; otherwise what is missing.
  static std::string unavailable_reason();
  // The server shared by every test of this test binary: started on first use, stopped at exit.
  // Throws std::runtime_error (with the server log's tail) when it cannot start.
  static PostgresServer& shared();

  // Starts a server of its own. Throws std::runtime_error when it cannot start.
  PostgresServer();
  // Stops the server and removes its directory.
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  std::string host() const { return "127.0.0.1"; }
  int port() const { return port_; }
  // libpq DSN of `database` as the superuser (no password needed).
  std::string dsn(const std::string& database) const;

  // An empty database for one test (herald_test_<n>): one given back by release_database, or a
  // new one. CREATE DATABASE copies a template and takes about half a second, so databases are
  // recycled, and the cached cluster already holds a few.
  std::string acquire_database();
  // Ends the database's sessions, empties it (its public schema is made anew) and keeps it for
  // the next acquire_database; drops it if that fails. Never throws.
  void release_database(const std::string& name);
  // Runs fixed SQL as the superuser (test setup only; throws on failure).
  void execute(const std::string& database, const std::string& sql);
  // The first column of the first row of `sql` ("" when no row), as the superuser.
  std::string query_text(const std::string& database, const std::string& sql);
  // Creates kPasswordRole with `password`, allowed to use `database`.
  void create_password_role(const std::string& database, const std::string& password);

  // Fast shutdown (every session ends) and start again on the same port with the same data.
  void stop();
  void start();
  bool running() const { return pid_ > 0; }
  // SIGSTOP to the server and every backend: it keeps its connections open (the kernel still
  // acknowledges what is sent) but answers nothing, like a hung host or a stuck proxy. resume()
  // sends SIGCONT to the same processes; the destructor resumes a paused server first.
  void pause();
  void resume();

 private:
  void launch();
  void wait_until_ready();
  std::string run_admin(const std::string& database, const std::string& sql);

  std::filesystem::path dir_;  // data/, the socket, server.log
  int port_ = 0;
  pid_t pid_ = -1;
  mutable std::mutex mutex_;
  std::vector<std::string> idle_databases_;  // emptied, ready for acquire_database
  std::vector<pid_t> paused_;                 // by pause(), until resume()
  int next_database_ = 1;
};

// An empty database on a server for as long as this object lives.
class PostgresDatabase {
 public:
  explicit PostgresDatabase(PostgresServer& server) : server_(server), name_(server.acquire_database()) {}
  ~PostgresDatabase() { server_.release_database(name_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string dsn() const { return server_.dsn(name_); }
  PostgresServer& server() { return server_; }

 private:
  PostgresServer& server_;
  std::string name_;
};

}  // namespace herald::test
