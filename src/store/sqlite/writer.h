#pragma once
// The single SQLite writer. Callers hand it a job; it runs in the writer thread inside a
// transaction, and the caller learns the outcome once that transaction has committed (or
// failed): through a completion (submit) or by blocking (run). Jobs queued while a commit is in
// progress are batched into the next transaction (group commit), so durability costs one fsync
// per batch, not per request. Each job runs inside its own SAVEPOINT: a failing job is rolled
// back alone and the others in the batch still commit.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

class Writer {
 public:
  using Job = std::function<core::Status(Database&)>;
  // The outcome of one job. Must be quick and must not throw or wait for this writer (it runs
  // on the writer thread and holds up the next batch): post real work elsewhere.
  using Done = std::function<void(core::Status)>;
  static constexpr std::int64_t kRoomAfterFull = 1 << 20;

  explicit Writer(std::unique_ptr<Database> db);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues `job` and returns at once. `done` is called exactly once: on the writer thread, with
  // the job's outcome, after the transaction holding the job committed (or with the error that
  // failed it); no lock of the writer is held meanwhile, so `done` may submit more jobs. After
  // close(): `done` is called at once, on the calling thread, with ErrorKind::unavailable.
  // Safe for concurrent use.
  void submit(Job job, Done done);
  // submit() and wait: returns the job's outcome once its transaction committed (or failed).
  // Safe for concurrent use, except from a completion (the writer thread would wait on itself).
  core::Status run(Job job);
  // Commits what is queued (every job submitted before close() completes as usual) and stops
  // the thread. Idempotent.
  void close();
  // Jobs waiting for the next transaction (not those of the one running).
  std::size_t queued();
  // True while the disk is full: from a batch that met SQLITE_FULL until one commits without it
  // with kRoomAfterFull bytes free on the disk (a small write may squeeze into pages a failed one
  // left allocated, which is no sign of space). Safe for concurrent use.
  bool disk_full() const { return disk_full_.load(); }

 private:
  struct Pending {
    Job job;
    Done done;
  };
  void loop();
  void commit_batch(std::deque<Pending>& batch);
  // Runs the batch in one transaction; one outcome per job. `committed`: whether it committed.
  std::vector<core::Status> run_transaction(std::deque<Pending>& batch, bool& committed);

  std::unique_ptr<Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::atomic<bool> disk_full_{false};
  std::thread thread_;
};

}  // namespace herald::store::sqlite
