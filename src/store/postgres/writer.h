#pragma once
// The PostgreSQL writer, with the SQLite writer's group commit: callers hand it a job and learn
// its outcome once the transaction holding the job has committed (or failed), through a
// completion (submit) or by blocking (run). Jobs queued while a transaction runs are
// batched into the next one, so many concurrent writers share one commit (and one WAL flush).
// Each job runs inside its own SAVEPOINT: a failing job is rolled back alone and the others in
// the batch still commit. A job that loses a deadlock or a serialization race (several heraldd
// nodes share the database) is run again: the whole batch is rolled back and its jobs run one
// transaction each (a retry inside the batch would wait on the same cycle, since the locks of
// the jobs before it are still held), each retried a few times with a short pause. Jobs must
// therefore start from scratch each time they run (clear what they return before filling it).
//
// Connection loss: the jobs of the batch in flight fail with ErrorKind::unavailable (a COMMIT
// that got no answer may or may not have happened); the next batch reconnects by itself.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/result.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

class Writer {
 public:
  using Job = std::function<core::Status(Connection&)>;
  // The outcome of one job. Must be quick and must not throw or wait for this writer (it runs
  // on the writer thread and holds up the next transaction): post real work elsewhere.
  using Done = std::function<void(core::Status)>;

  // Takes the connection it starts with (may be null: it connects on the first batch).
  Writer(ConnectSettings settings, std::unique_ptr<Connection> connection);
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
  // Commits what is queued (every job submitted before close() completes as usual: committed,
  // or unavailable when the server cannot be reached), stops the thread and disconnects.
  // Idempotent.
  void close();
  // Jobs waiting for the next transaction (not the one running).
  std::size_t queued();

 private:
  struct Pending {
    Job job;
    Done done;
  };
  void loop();
  void commit_batch(std::deque<Pending>& batch);
  // One transaction over `jobs`. contended: a job lost a deadlock or serialization race and
  // `retry_contention` was off, so everything was rolled back.
  struct TransactionEnd {
    enum Kind { committed, contended, failed } kind = failed;
    std::vector<core::Status> outcomes;  // committed: one per job
    core::Error error;                   // failed: for every job
  };
  TransactionEnd transaction(const std::vector<Pending*>& jobs, bool retry_contention);
  // BEGIN on a live connection; reconnects once when the one held died while idle.
  core::Status begin();
  // Runs one job in its savepoint; `savepoint_open` says whether the last job's is still to be
  // released (done in the next round trip, not one of its own).
  core::Status run_job(Job& job, bool& savepoint_open, bool retry_contention);
  // Logs the first failure of an outage (not one line per write while it lasts).
  void note_lost(const std::string& why);

  ConnectSettings settings_;
  std::unique_ptr<Connection> connection_;  // used by the writer thread only
  bool lost_ = false;                       // writer thread only: an outage is being reported
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace herald::store::postgres
