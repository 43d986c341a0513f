// Broken start: heraldd refuses to start on a damaged, foreign or unreachable database, data
// directory or TLS key, with a message naming the file and a non-zero exit, and leaves every byte
// of the user's data as it found it. Also: the files heraldd writes are private, and no secret
// reaches its output.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

namespace fs = std::filesystem;
constexpr const char* kCommands = "/_plugins/_command_manager/commands";

std::string read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
}

// What a file is, for proving heraldd neither changed, renamed, truncated nor added anything.
struct FileState {
  std::string bytes;
  std::int64_t mtime_ns = 0;
  unsigned mode = 0;
  friend bool operator==(const FileState&, const FileState&) = default;
};

std::map<std::string, FileState> snapshot(const fs::path& dir) {
  std::map<std::string, FileState> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat info {};
    ::lstat(entry.path().c_str(), &info);
    FileState state;
    state.mode = info.st_mode;
    if (entry.is_regular_file()) {
      state.bytes = read_bytes(entry.path());
      state.mtime_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    }
    files[fs::relative(entry.path(), dir).string()] = state;
  }
  return files;
}

std::vector<std::string> names(const std::map<std::string, FileState>& files) {
  std::vector<std::string> out;
  for (const auto& [name, state] : files) out.push_back(name);
  return out;
}

// A real herald.db, written by heraldd: one agent with `orders` orders, then a clean stop (so the
// WAL is checkpointed into the file and removed). Returns the agent's id.
std::string build_database(HeralddProcess& server, int orders) {
  server.start();
  std::string agent;
  {
    auto client = server.admin_client();
    agent = enroll_agent(client, "victim");
    for (int i = 0; i < orders; ++i) {
      auto reply = client.post(kCommands, command_body("agent", agent, 3000));
      if (reply.status != 200) throw std::runtime_error("command failed: " + reply.body);
    }
  }
  if (server.stop() != 0) throw std::runtime_error("heraldd did not stop cleanly: " + server.output());
  return agent;
}

// Opens a copy of `db` (so that no -wal/-shm appears next to the original) and runs `sql`,
// returning the first column of every row joined by '\n'.
std::string query_copy(const fs::path& db, const std::string& sql) {
  auto copy = db.parent_path().parent_path() / "inspect.db";
  fs::copy_file(db, copy, fs::copy_options::overwrite_existing);
  sqlite3* handle = nullptr;
  std::string out;
  if (sqlite3_open_v2(copy.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(stmt, 0);
        out += std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "") + "\n";
      }
    } else {
      out = std::string("error: ") + sqlite3_errmsg(handle);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  fs::remove(copy);
  fs::remove(copy.string() + "-wal");
  fs::remove(copy.string() + "-shm");
  return out;
}

std::vector<std::int64_t> leaf_pages(const fs::path& db, const std::string& btree) {
  std::vector<std::int64_t> pages;
  auto rows = query_copy(db, "SELECT pageno FROM dbstat WHERE name = '" + btree + "' AND pagetype = 'leaf'");
  std::stringstream lines(rows);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("error", 0) == 0) throw std::runtime_error("dbstat: " + line);
    pages.push_back(std::stoll(line));
  }
  return pages;
}

std::int64_t page_size(const fs::path& db) {
  return std::stoll(query_copy(db, "PRAGMA page_size"));
}

// Applies `edit` to the bytes of one page of the file.
template <class Edit>
void edit_page(const fs::path& db, std::int64_t page, Edit edit) {
  auto bytes = read_bytes(db);
  const auto size = page_size(db);
  auto content = bytes.substr(static_cast<std::size_t>((page - 1) * size), static_cast<std::size_t>(size));
  edit(content);
  bytes.replace(static_cast<std::size_t>((page - 1) * size), static_cast<std::size_t>(size), content);
  write_bytes(db, bytes);
}

void expect_refused(HeralddProcess& server, const std::vector<std::string>& phrases) {
  const auto before = snapshot(server.data_dir());
  std::string output;
  EXPECT_EQ(server.run_expecting_exit(output), 1) << output;
  for (const auto& phrase : phrases) EXPECT_NE(output.find(phrase), std::string::npos) << phrase << " in: " << output;
  const auto after = snapshot(server.data_dir());
  EXPECT_EQ(names(after), names(before));
  EXPECT_TRUE(after == before) << "heraldd changed the data directory";
}

TEST(StartupChecks, IndexMissingRowsRefusesToStartNamingTheFileAndReindex) {
  HeralddProcess server;
  auto agent = build_database(server, 150);
  auto db = server.data_dir() / "herald.db";
  // Rewrite the agent id inside every index entry of orders_by_agent: each page stays well
  // formed (so quick_check passes), but no table row is found in the index any more.
  auto pages = leaf_pages(db, "orders_by_agent");
  ASSERT_FALSE(pages.empty());
  auto other = agent;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  for (auto page : pages) {
    edit_page(db, page, [&](std::string& content) {
      for (auto at = content.find(agent); at != std::string::npos; at = content.find(agent, at)) {
        content.replace(at, agent.size(), other);
      }
    });
  }
  ASSERT_EQ(query_copy(db, "PRAGMA quick_check"), "ok\n");  // what a quick check alone would miss
  ASSERT_NE(query_copy(db, "PRAGMA integrity_check").find("missing from index orders_by_agent"), std::string::npos);

  expect_refused(server, {db.string(), "orders_by_agent", "REINDEX"});

  // The operator may choose to start anyway.
  server.set_config_yaml("storage: {startup_check: off}\n");
  server.start();
  EXPECT_EQ(server.stop(), 0);

  // The recovery the message and README give: REINDEX, after which it starts with every order.
  server.set_config_yaml("");
  if (!fs::exists("/usr/bin/sqlite3")) GTEST_SKIP() << "the sqlite3 CLI (scripts/deps.sh) is not installed";
  ASSERT_EQ(std::system(("sqlite3 '" + db.string() + "' 'REINDEX;'").c_str()), 0);
  server.start();
  auto client = server.admin_client();
  auto orders = client.get("/orders?agent_id=" + agent + "&limit=1");
  EXPECT_NE(orders.body.find("\"total_affected_items\":150"), std::string::npos) << orders.body;
  EXPECT_EQ(server.stop(), 0);
}

TEST(StartupChecks, CorruptTablePageRefusesToStartEvenWithTheQuickCheck) {
  HeralddProcess server;
  build_database(server, 150);
  auto db = server.data_dir() / "herald.db";
  auto pages = leaf_pages(db, "orders");
  ASSERT_GE(pages.size(), 2u);
  edit_page(db, pages[1], [](std::string& content) { content.replace(100, 1500, std::string(1500, '\xff')); });
  server.set_config_yaml("storage: {startup_check: quick}\n");
  expect_refused(server, {db.string(), "corrupt", ".dump"});
  server.set_config_yaml("");  // and with the default check
  expect_refused(server, {db.string(), "corrupt", ".dump"});

  // The recovery the message and README give: what is readable, into a new file put in place.
  if (!fs::exists("/usr/bin/sqlite3")) GTEST_SKIP() << "the sqlite3 CLI (scripts/deps.sh) is not installed";
  const auto recovered = db.string() + ".recovered";
  ASSERT_EQ(std::system(("sqlite3 '" + db.string() +
                         "' .dump | sed 's/^ROLLBACK; -- due to errors$/COMMIT;/' | "
                         "sqlite3 '" +
                         recovered + "'")
                            .c_str()),
            0);
  fs::rename(db, db.string() + ".damaged");
  fs::rename(recovered, db);
  server.start();
  auto client = server.admin_client();
  auto orders = client.get("/orders?limit=1");
  EXPECT_EQ(orders.status, 200u) << orders.body;
  EXPECT_NE(orders.body.find("\"total_affected_items\":1"), std::string::npos) << orders.body;  // 1xx survived
  EXPECT_EQ(server.stop(), 0);
}

TEST(StartupChecks, DamagedHeaderRefusesToStart) {
  HeralddProcess server;
  build_database(server, 5);
  auto db = server.data_dir() / "herald.db";
  auto bytes = read_bytes(db);
  bytes.replace(0, 16, "HERALD-SCRAMBLED");
  write_bytes(db, bytes);
  expect_refused(server, {db.string(), "not a SQLite database"});
}

TEST(StartupChecks, TextFileInsteadOfTheDatabaseRefusesToStart) {
  HeralddProcess server;
  fs::create_directories(server.data_dir());
  auto db = server.data_dir() / "herald.db";
  write_bytes(db, "these are my notes, not a database\n");
  expect_refused(server, {db.string(), "not a SQLite database"});
}

TEST(StartupChecks, AnotherApplicationsSqliteDatabaseIsLeftAlone) {
  HeralddProcess server;
  fs::create_directories(server.data_dir());
  auto db = server.data_dir() / "herald.db";
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(handle,
                         "CREATE TABLE moz_places(id INTEGER PRIMARY KEY, url TEXT);"
                         "INSERT INTO moz_places(url) VALUES('https://example.org/');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(handle);
  expect_refused(server, {db.string(), "not a Herald database", "moz_places"});
}

TEST(StartupChecks, DirectoryWhereTheDatabaseShouldBeRefusesToStart) {
  HeralddProcess server;
  auto db = server.data_dir() / "herald.db";
  fs::create_directories(db);
  expect_refused(server, {db.string()});
}

// Unmounts what it mounted, even when the test fails.
class MountGuard {
 public:
  explicit MountGuard(fs::path target) : target_(std::move(target)) {}
  ~MountGuard() {
    if (mounted_) ::umount2(target_.c_str(), MNT_DETACH);
  }
  void mounted() { mounted_ = true; }

 private:
  fs::path target_;
  bool mounted_ = false;
};

TEST(StartupChecks, ReadOnlyDataDirectoryRefusesToStart) {
  HeralddProcess server;
  build_database(server, 5);
  // Root ignores permission bits, so make the directory really read-only: a read-only bind mount.
  auto dir = server.data_dir();
  MountGuard guard(dir);
  if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    GTEST_SKIP() << "cannot bind-mount (" << std::strerror(errno) << "): needs root with CAP_SYS_ADMIN";
  }
  guard.mounted();
  ASSERT_EQ(::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr), 0)
      << std::strerror(errno);
  expect_refused(server, {dir.string(), "not writable"});
}

TEST(StartupChecks, MissingDataDirectoryIsCreatedPrivate) {
  HeralddProcess server;
  ASSERT_FALSE(fs::exists(server.data_dir()));
  server.start();
  struct stat info {};
  ASSERT_EQ(::stat(server.data_dir().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  EXPECT_EQ(server.stop(), 0);
}

TEST(StartupChecks, MissingParentOfTheDataDirectoryIsAnError) {
  HeralddProcess server;
  auto parent = server.data_dir().parent_path() / "typo";
  server.set_data_dir(parent / "var");
  std::string output;
  EXPECT_EQ(server.run_expecting_exit(output), 1) << output;
  EXPECT_NE(output.find(parent.string()), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(parent));
}

// A certificate and key pair that heraldd generated, copied out of its data directory.
fs::path generated_tls_pair(HeralddProcess& server) {
  server.set_comms_options("tls: {enabled: yes}");
  server.start();
  EXPECT_EQ(server.stop(), 0);
  server.set_comms_options("");
  auto dir = server.data_dir().parent_path() / "tls";
  fs::create_directories(dir);
  fs::copy_file(server.data_dir() / "tls-cert.pem", dir / "cert.pem");
  fs::copy_file(server.data_dir() / "tls-key.pem", dir / "key.pem");
  return dir;
}

TEST(StartupChecks, UnusableTlsKeyRefusesToStartNamingTheKey) {
  HeralddProcess server;
  auto tls = generated_tls_pair(server);
  auto cert = (tls / "cert.pem").string();
  // As root a mode-000 key is still readable, so the cases that fail for root too: garbage, an
  // empty file, and a directory where the key file should be.
  write_bytes(tls / "garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n");
  write_bytes(tls / "empty.pem", "");
  fs::create_directories(tls / "dir.pem");
  for (const auto* key : {"garbage.pem", "empty.pem", "dir.pem"}) {
    SCOPED_TRACE(key);
    auto key_path = (tls / key).string();
    server.set_comms_options("tls: {cert: " + cert + ", key: " + key_path + "}");
    const auto before = snapshot(tls);
    expect_refused(server, {key_path});
    EXPECT_TRUE(snapshot(tls) == before);
  }
}

TEST(StartupChecks, TlsKeyItsUserCannotReadRefusesToStartOnEitherListener) {
  HeralddProcess generator;
  auto pair = generated_tls_pair(generator);
  TempDir dir;  // 0700 from mkdtemp: opened up so that the unprivileged heraldd reaches its files
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const auto cert = dir.path() / "cert.pem", key = dir.path() / "key.pem", data = dir.path() / "var";
  fs::copy_file(pair / "cert.pem", cert);
  fs::copy_file(pair / "key.pem", key);
  ASSERT_EQ(::chmod(cert.c_str(), 0644), 0);
  ASSERT_EQ(::chmod(key.c_str(), 0), 0);  // owned by root (or this user), readable by no one else
  fs::create_directories(data);
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(data.c_str(), 65534, 65534), 0);
  }
  const std::string tls = "tls: {cert: " + cert.string() + ", key: " + key.string() + "}";
  for (const auto* listener : {"management", "comms"}) {
    SCOPED_TRACE(listener);
    const bool management = std::string(listener) == "management";
    std::ofstream(dir.path() / "heraldd.yml")
        << "data_dir: " << data.string() << "\n"
        << "management: {listen: \"127.0.0.1:0\"" << (management ? ", " + tls : "") << "}\n"
        << "comms: {listen: \"127.0.0.1:0\"" << (management ? "" : ", " + tls) << "}\n"
        << "legacy: {enrollment: {enabled: no}, remote: {enabled: no}}\n"
        << "logging: {level: warn}\n";
    const auto before = read_bytes(key);
    const int code = run_heraldd_until_exit(dir.path() / "heraldd.yml", dir.path() / "heraldd.out", true);
    const std::string output = read_text(dir.path() / "heraldd.out");
    EXPECT_EQ(code, 1) << output;
    EXPECT_NE(output.find(key.string()), std::string::npos) << output;
    EXPECT_EQ(read_bytes(key), before);
  }
}

// Every file heraldd writes holds secrets or the orders (password and key hashes, the JWT secret,
// the TLS key, agents' events): no one but heraldd's user may read them.
TEST(PrivateFiles, EveryFileAndDirectoryHeralddWritesIsPrivate) {
  HeralddProcess server("orders: {retention: 1s, retention_interval: 1s}\n");
  server.set_admin_password_env(std::nullopt);  // admin.password generated
  server.start();
  {
    // A TLS pair generated for comms.tls lands in the data directory too (another server: the
    // test agent below speaks plain HTTP).
    HeralddProcess tls;
    tls.set_comms_options("tls: {enabled: yes}");
    tls.start();
    struct stat info {};
    ASSERT_EQ(::stat((tls.data_dir() / "tls-key.pem").c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    EXPECT_EQ(tls.stop(), 0);
  }
  HttpClient client(server.management_url());
  auto password = read_text(server.data_dir() / "admin.password");
  while (!password.empty() && password.back() == '\n') password.pop_back();
  client.set_authorization(basic_authorization("admin", password));
  const std::string id = random_uuid_v4(), key(32, 'k');
  ASSERT_EQ(client.post("/agents", enrollment_body(id, "private", key)).status, 201u);
  TestAgent agent(server.comms_url(), id, key);
  ASSERT_EQ(agent.authenticate().status, 200u);
  ASSERT_EQ(agent.send_stateless("{\"module\":\"logcollector\"}\n{\"x\":1}\n").status / 100, 2u);
  ASSERT_EQ(client.post(kCommands, command_body("agent", id, 1)).status, 200u);
  // The order fails at its deadline and is archived a second later.
  ASSERT_TRUE(eventually(
      [&] { return fs::exists(server.data_dir() / "archive") && !fs::is_empty(server.data_dir() / "archive"); },
      std::chrono::seconds(15)));
  ASSERT_TRUE(fs::exists(server.data_dir() / "herald.db-wal"));  // checked while heraldd runs
  std::vector<std::string> seen;
  struct stat info {};
  ASSERT_EQ(::stat(server.data_dir().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u) << server.data_dir();
  for (const auto& entry : fs::recursive_directory_iterator(server.data_dir())) {
    ASSERT_EQ(::stat(entry.path().c_str(), &info), 0);
    seen.push_back(fs::relative(entry.path(), server.data_dir()).string());
    EXPECT_EQ(info.st_mode & 0777, entry.is_directory() ? 0700u : 0600u) << entry.path();
  }
  for (const auto* expected : {"herald.db", "herald.db-wal", "herald.db-shm", "admin.password", "jwt.secret",
                               "heraldd.ready", "events", "events/events.ndjson", "archive"}) {
    EXPECT_NE(std::find(seen.begin(), seen.end(), expected), seen.end()) << expected;
  }
  EXPECT_EQ(server.stop(), 0);
}

TEST(PrivateFiles, ExistingDatabaseFilesAreMadePrivate) {
  HeralddProcess server;
  build_database(server, 1);
  auto db = server.data_dir() / "herald.db";
  ASSERT_EQ(::chmod(db.c_str(), 0644), 0);  // as an older heraldd left it
  server.start();
  for (const auto* name : {"herald.db", "herald.db-wal", "herald.db-shm"}) {
    struct stat info {};
    ASSERT_EQ(::stat((server.data_dir() / name).c_str(), &info), 0) << name;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
  }
  EXPECT_EQ(server.stop(), 0);
}

// The output of heraldd goes to logs (journald, files): it must never hold the admin password,
// generated or chosen. Where to find a generated one is said instead.
TEST(AdminPassword, FirstStartOutputHoldsNoPasswordButSaysWhereItIs) {
  HeralddProcess generated;
  generated.set_admin_password_env(std::nullopt);
  generated.start();
  auto file = generated.data_dir() / "admin.password";
  auto password = read_text(file);
  while (!password.empty() && password.back() == '\n') password.pop_back();
  ASSERT_GE(password.size(), 16u);
  EXPECT_EQ(generated.stop(), 0);
  auto output = generated.output();
  EXPECT_EQ(output.find(password), std::string::npos) << output;
  EXPECT_NE(output.find(file.string()), std::string::npos) << output;

  HeralddProcess chosen;
  chosen.set_admin_password_env("Operator-Chosen-Secret-42");
  chosen.start();
  EXPECT_EQ(chosen.stop(), 0);
  EXPECT_EQ(chosen.output().find("Operator-Chosen-Secret-42"), std::string::npos) << chosen.output();
  EXPECT_NE(chosen.output().find("HERALD_ADMIN_PASSWORD"), std::string::npos) << chosen.output();
}

}  // namespace
}  // namespace herald::test
