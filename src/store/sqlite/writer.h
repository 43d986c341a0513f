#pragma once
// The single SQLite writer. Callers hand it a job and block until the transaction holding the job
// has committed. Jobs queued while a commit is in progress are batched into the next transaction
// (group commit), so durability costs one fsync per batch, not per request. Each job runs inside
// its own SAVEPOINT: a failing job is rolled back alone and the others in the batch still commit.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "core/result.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

class Writer {
 public:
  using Job = std::function<core::Status(Database&)>;

  explicit Writer(std::unique_ptr<Database> db);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `job` in the writer thread inside a transaction and returns once it committed (or
  // failed). Safe for concurrent use. After close(): ErrorKind::unavailable.
  core::Status run(Job job);
  // Commits what is queued and stops the thread. Idempotent.
  void close();

 private:
  struct Pending {
    Job job;
    std::promise<core::Status> done;
  };
  void loop();
  void commit_batch(std::deque<Pending>& batch);

  std::unique_ptr<Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace herald::store::sqlite
