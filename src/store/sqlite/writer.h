#pragma once
// The single SQLite writer. Callers hand it a job and block until the transaction holding the job
// has committed. Jobs queued while a commit is in progress are batched into the next transaction
// (group commit), so durability costs one fsync per batch, not per request. Each job runs inside
// its own SAVEPOINT: a failing job is rolled back alone and the others in the batch still commit.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
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
  static constexpr std::int64_t kRoomAfterFull = 1 << 20;

  explicit Writer(std::unique_ptr<Database> db);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `job` in the writer thread inside a transaction and returns once it committed (or
  // failed). Safe for concurrent use. After close(): ErrorKind::unavailable.
  core::Status run(Job job);
  // Commits what is queued and stops the thread. Idempotent.
  void close();
  // True while the disk is full: from a batch that met SQLITE_FULL until one commits without it
  // with kRoomAfterFull bytes free on the disk (a small write may squeeze into pages a failed one
  // left allocated, which is no sign of space). Safe for concurrent use.
  bool disk_full() const { return disk_full_.load(); }

 private:
  struct Pending {
    Job job;
    std::promise<core::Status> done;
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
