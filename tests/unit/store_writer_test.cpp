// The store writers' asynchronous submit() (store/sqlite/writer.h, store/postgres/writer.h):
// completion on the writer thread once the job's transaction committed, a failing job rolled back
// alone while the rest of its batch commits, close() with jobs queued, completions that submit
// more. Both writers run the same tests (typed), each on a table items(id INTEGER PRIMARY KEY).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/connection.h"
#include "store/postgres/writer.h"
#include "store/sqlite/database.h"
#include "store/sqlite/writer.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace herald::store {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kPatience = 20s;  // bound on every wait: a hang fails the test instead of stalling it

template <class Condition>
bool eventually(Condition condition) {
  const auto deadline = Clock::now() + kPatience;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct SqliteBackend {
  using Writer = sqlite::Writer;
  using Handle = sqlite::Database;

  static std::string unavailable() { return ""; }
  void open() {
    auto db = sqlite::Database::open(dir.file("writer.db"), "NORMAL");
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE((*db)->exec("CREATE TABLE items(id INTEGER PRIMARY KEY)").ok());
    writer = std::make_unique<Writer>(std::move(db).value());
    auto other = sqlite::Database::open(dir.file("writer.db"), "NORMAL");
    ASSERT_TRUE(other.ok()) << other.error().message;
    reader = std::move(other).value();
  }
  static core::Status exec(Handle& db, const std::string& sql) { return db.exec(sql); }
  // The committed ids, "1,3". From one thread at a time (the reader is one connection).
  std::string ids() {
    auto select = reader->prepare("SELECT coalesce(group_concat(id, ','), '') FROM (SELECT id FROM items ORDER BY id)");
    if (!select) return "error: " + select.error().message;
    auto row = select->step();
    if (!row || !*row) return "error: no row";
    return select->column_text(0);
  }

  test::TempDir dir;
  std::unique_ptr<Writer> writer;
  std::unique_ptr<sqlite::Database> reader;
};

struct PostgresBackend {
  using Writer = postgres::Writer;
  using Handle = postgres::Connection;

  static std::string unavailable() { return test::PostgresServer::unavailable_reason(); }
  void open() {
    try {
      database = std::make_unique<test::PostgresDatabase>(test::PostgresServer::shared());
    } catch (const std::exception& e) {
      FAIL() << "test PostgreSQL: " << e.what();
    }
    database->server().execute(database->name(), "CREATE TABLE items(id INTEGER PRIMARY KEY)");
    postgres::ConnectSettings settings;
    settings.dsn = database->dsn();
    writer = std::make_unique<Writer>(settings, nullptr);
  }
  static core::Status exec(Handle& db, const std::string& sql) { return db.exec(sql); }
  std::string ids() {
    return database->server().query_text(database->name(),
                                         "SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM items");
  }

  std::unique_ptr<test::PostgresDatabase> database;
  std::unique_ptr<Writer> writer;  // after `database`: closed before it goes
};

// One job's completion: its outcome, the thread it ran on, how often it was called. Callbacks
// share its state, so a completion that comes late (after a failed assertion) touches nothing
// freed.
class Completion {
 public:
  auto callback() {
    return [state = state_](core::Status status) {
      state->thread = std::this_thread::get_id();
      if (state->calls.fetch_add(1) == 0) state->outcome.set_value(std::move(status));
    };
  }
  // The outcome, or an internal error when none came in time.
  core::Status wait() {
    if (state_->future.wait_for(kPatience) != std::future_status::ready) return core::internal_error("no completion");
    return state_->future.get();
  }
  int calls() const { return state_->calls.load(); }
  std::thread::id thread() const { return state_->thread; }

 private:
  struct State {
    std::promise<core::Status> outcome;
    std::shared_future<core::Status> future = outcome.get_future().share();
    std::atomic<int> calls{0};
    std::thread::id thread;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

// A job that holds the writer until open() is called, so that the next jobs queue up behind it.
// Opens when destroyed, so that a failed assertion cannot leave the writer waiting forever.
class Gate {
 public:
  ~Gate() { open(); }
  template <class Handle>
  auto job() {
    return [opened = opened_](Handle&) -> core::Status {
      opened.wait();
      return core::ok_status();
    };
  }
  void open() {
    if (!open_called_.exchange(true)) open_.set_value();
  }

 private:
  std::promise<void> open_;
  std::shared_future<void> opened_ = open_.get_future().share();
  std::atomic<bool> open_called_{false};
};

template <class Backend>
class StoreWriter : public ::testing::Test {
 protected:
  using Writer = typename Backend::Writer;
  using Handle = typename Backend::Handle;

  void SetUp() override {
    if (auto why = Backend::unavailable(); !why.empty()) GTEST_SKIP() << why;
    backend_.open();
  }

  static auto insert(int id) {
    return [id](Handle& db) { return Backend::exec(db, "INSERT INTO items VALUES (" + std::to_string(id) + ")"); };
  }
  // Submits a gate job and waits until the writer runs it (nothing left in its queue).
  void hold_writer(Gate& gate, Completion& completion) {
    writer().submit(gate.template job<Handle>(), completion.callback());
    ASSERT_TRUE(eventually([&] { return writer().queued() == 0; })) << "the writer never took the gate job";
  }
  Writer& writer() { return *backend_.writer; }

  Backend backend_;
};

struct BackendNames {
  template <class T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
  }
};
using Backends = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(StoreWriter, Backends, BackendNames);

TYPED_TEST(StoreWriter, SubmitCompletesOnTheWriterThreadOnceTheJobIsCommitted) {
  Completion done;
  std::string visible_at_completion;
  this->writer().submit(this->insert(1), [&](core::Status status) {
    // Read through another connection: only what is committed shows.
    visible_at_completion = this->backend_.ids();
    done.callback()(std::move(status));
  });
  auto outcome = done.wait();
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(visible_at_completion, "1");
  EXPECT_NE(done.thread(), std::this_thread::get_id());
  EXPECT_EQ(done.calls(), 1);
  EXPECT_TRUE(this->writer().run(this->insert(2)).ok());  // run() is submit() and wait
  EXPECT_EQ(this->backend_.ids(), "1,2");
}

TYPED_TEST(StoreWriter, AFailingJobIsRolledBackAloneWhileTheRestOfItsBatchCommits) {
  Gate gate;
  Completion held, first, failing, last;
  ASSERT_NO_FATAL_FAILURE(this->hold_writer(gate, held));
  this->writer().submit(this->insert(1), first.callback());
  this->writer().submit(
      [](auto& db) -> core::Status {
        if (auto inserted = TypeParam::exec(db, "INSERT INTO items VALUES (2)"); !inserted) return inserted;
        return core::invalid_argument("job 2 refuses after its insert");
      },
      failing.callback());
  this->writer().submit(this->insert(3), last.callback());
  ASSERT_EQ(this->writer().queued(), 3u);  // one batch: they queued while the gate job ran
  gate.open();

  EXPECT_TRUE(held.wait().ok());
  auto one = first.wait(), two = failing.wait(), three = last.wait();
  EXPECT_TRUE(one.ok()) << one.error().message;
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().kind, core::ErrorKind::invalid_argument);
  EXPECT_EQ(two.error().message, "job 2 refuses after its insert");
  EXPECT_TRUE(three.ok()) << three.error().message;
  EXPECT_EQ(this->backend_.ids(), "1,3");
  for (auto* completion : {&held, &first, &failing, &last}) EXPECT_EQ(completion->calls(), 1);
}

TYPED_TEST(StoreWriter, CloseWithJobsQueuedCompletesEachOfThemAndRefusesLaterOnesAtOnce) {
  Gate gate;
  Completion held;
  std::vector<std::unique_ptr<Completion>> queued;
  ASSERT_NO_FATAL_FAILURE(this->hold_writer(gate, held));
  for (int id = 1; id <= 5; ++id) {
    queued.push_back(std::make_unique<Completion>());
    this->writer().submit(this->insert(id), queued.back()->callback());
  }
  auto closed = std::async(std::launch::async, [&] { this->writer().close(); });

  // close() has begun once a job submitted is refused at once, on the submitting thread. Jobs
  // submitted before that queue up like the others.
  std::atomic<int> probes_completed{0};
  int probes_queued = 0;
  bool refused = false;
  const auto caller = std::this_thread::get_id();
  ASSERT_TRUE(eventually([&] {
    bool refused_here = false;
    this->writer().submit([](auto&) { return core::ok_status(); },
                          [&, caller](core::Status status) {
                            if (std::this_thread::get_id() == caller && !status.ok() &&
                                status.error().kind == core::ErrorKind::unavailable) {
                              refused_here = true;
                            } else {
                              ++probes_completed;
                            }
                          });
    if (!refused_here) ++probes_queued;
    refused = refused_here;
    return refused;
  })) << "close() never refused a job";
  EXPECT_NE(closed.wait_for(0s), std::future_status::ready);  // it waits for the queued jobs

  gate.open();
  ASSERT_EQ(closed.wait_for(kPatience), std::future_status::ready) << "close() hangs";
  EXPECT_TRUE(held.wait().ok());
  for (auto& completion : queued) {
    auto outcome = completion->wait();
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(completion->calls(), 1);
  }
  EXPECT_EQ(probes_completed, probes_queued);
  EXPECT_EQ(this->backend_.ids(), "1,2,3,4,5");

  Completion after;
  this->writer().submit(this->insert(6), after.callback());
  EXPECT_EQ(after.calls(), 1);  // already, before submit() returned
  EXPECT_EQ(after.thread(), std::this_thread::get_id());
  auto refused_after = after.wait();
  ASSERT_FALSE(refused_after.ok());
  EXPECT_EQ(refused_after.error().kind, core::ErrorKind::unavailable);
  EXPECT_EQ(this->writer().run(this->insert(7)).error().kind, core::ErrorKind::unavailable);
  this->writer().close();  // idempotent
}

TYPED_TEST(StoreWriter, ACompletionMaySubmitAnotherJob) {
  // No lock of the writer is held while a completion runs.
  Completion first, second;
  this->writer().submit(this->insert(1), [&](core::Status status) {
    first.callback()(std::move(status));
    this->writer().submit(this->insert(2), second.callback());
  });
  EXPECT_TRUE(first.wait().ok());
  EXPECT_TRUE(second.wait().ok());
  EXPECT_EQ(this->backend_.ids(), "1,2");
}

TYPED_TEST(StoreWriter, ACompletionThatThrowsLeavesTheWriterRunning) {
  this->writer().submit(this->insert(1), [](core::Status) { throw std::runtime_error("completion bug"); });
  auto next = this->writer().run(this->insert(2));
  EXPECT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(this->backend_.ids(), "1,2");
}

// PostgreSQL out of reach (nothing listens): every job fails with unavailable, those still queued
// when close() is called too, and close() returns.
TEST(PostgresWriter, JobsFailWithUnavailableWhileTheServerIsOutOfReachAndCloseReturns) {
  postgres::ConnectSettings settings;
  settings.dsn = "host=127.0.0.1 port=1 dbname=herald user=herald connect_timeout=2";
  postgres::Writer writer(settings, nullptr);
  std::vector<std::unique_ptr<Completion>> jobs;
  for (int i = 0; i < 4; ++i) {
    jobs.push_back(std::make_unique<Completion>());
    writer.submit([](postgres::Connection&) { return core::ok_status(); }, jobs.back()->callback());
  }
  auto closed = std::async(std::launch::async, [&] { writer.close(); });
  ASSERT_EQ(closed.wait_for(kPatience), std::future_status::ready) << "close() hangs";
  for (auto& job : jobs) {
    auto outcome = job->wait();
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.error().kind, core::ErrorKind::unavailable) << outcome.error().message;
    EXPECT_EQ(job->calls(), 1);
  }
}

}  // namespace
}  // namespace herald::store
