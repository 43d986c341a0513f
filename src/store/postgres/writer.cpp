#include "store/postgres/writer.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace herald::store::postgres {

namespace {

// A savepoint that wrote is a subtransaction with its own xid. PostgreSQL caches at most 64 of
// them per backend (PGPROC_MAX_CACHED_SUBXIDS); past that every other session's snapshots get
// slower, so one transaction holds at most this many jobs.
constexpr std::size_t kMaxJobsPerTransaction = 64;
// A job that lost a deadlock (40P01) or a serialization race (40001) is run again this often.
constexpr int kMaxRetries = 3;

bool retryable(const std::string& sqlstate) {
  return sqlstate == "40P01" || sqlstate == "40001";
}

// A completion that throws must not take the writer thread (and every later write) with it.
void complete(Writer::Done& done, core::Status outcome) {
  try {
    done(std::move(outcome));
  } catch (const std::exception& e) {
    spdlog::error("PostgreSQL writer: a write's completion threw: {}", e.what());
  }
}

}  // namespace

Writer::Writer(ConnectSettings settings, std::unique_ptr<Connection> connection)
    : settings_(std::move(settings)), connection_(std::move(connection)), thread_([this] { loop(); }) {}

Writer::~Writer() {
  close();
}

void Writer::submit(Job job, Done done) {
  std::unique_lock lock(mutex_);
  if (closing_) {
    lock.unlock();
    done(core::unavailable("store is closed"));
    return;
  }
  queue_.push_back(Pending{std::move(job), std::move(done)});
  lock.unlock();
  wake_.notify_one();
}

core::Status Writer::run(Job job) {
  std::promise<core::Status> outcome;
  auto done = outcome.get_future();
  submit(std::move(job), [&outcome](core::Status status) { outcome.set_value(std::move(status)); });
  return done.get();
}

void Writer::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  connection_.reset();
}

std::size_t Writer::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::note_lost(const std::string& why) {
  if (!lost_) spdlog::warn("PostgreSQL writer connection lost (writes fail until it is back): {}", why);
  lost_ = true;
}

void Writer::loop() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      while (!queue_.empty() && batch.size() < kMaxJobsPerTransaction) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_batch(batch);
  }
}

core::Status Writer::begin() {
  bool fresh = false;
  for (;;) {
    if (!connection_) {
      auto opened = Connection::open(settings_);
      if (!opened) {
        note_lost(opened.error().message);
        return opened.error();
      }
      connection_ = std::move(opened).value();
      fresh = true;
      if (lost_) spdlog::info("PostgreSQL writer connection restored");
      lost_ = false;
    }
    auto begun = connection_->exec("BEGIN");
    if (begun || !connection_->broken()) return begun;
    connection_.reset();
    note_lost(begun.error().message);
    // A connection that died while idle (the server restarted) gets one fresh try.
    if (fresh) return begun;
  }
}

core::Status Writer::run_job(Job& job, bool& savepoint_open, bool retry_contention) {
  for (int attempt = 0;; ++attempt) {
    // The previous job's savepoint is released in the same round trip that opens this one.
    auto saved = connection_->exec(savepoint_open ? "RELEASE SAVEPOINT job; SAVEPOINT job" : "SAVEPOINT job");
    savepoint_open = saved.ok();
    if (!saved) return saved;
    core::Status outcome;
    try {
      outcome = job(*connection_);
    } catch (const std::exception& e) {
      outcome = core::internal_error(std::string("store job threw: ") + e.what());
    }
    if (outcome || connection_->broken()) return outcome;
    const bool contended = retryable(connection_->last_sqlstate());
    if (contended && !retry_contention) return outcome;  // the caller rolls the whole batch back
    savepoint_open = false;
    if (auto undone = connection_->exec("ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"); !undone) return undone;
    if (!contended || attempt >= kMaxRetries) return outcome;
    // Let the other node's transaction finish before trying again.
    std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
  }
}

Writer::TransactionEnd Writer::transaction(const std::vector<Pending*>& jobs, bool retry_contention) {
  TransactionEnd end;
  if (auto begun = begin(); !begun) {
    end.error = begun.error();
    return end;
  }
  end.outcomes.reserve(jobs.size());
  bool savepoint_open = false;
  for (auto* pending : jobs) {
    auto outcome = run_job(pending->job, savepoint_open, retry_contention);
    // Only a failed job leaves the transaction usable; anything else lost it for the batch.
    if (connection_->broken()) {
      connection_.reset();
      std::string why = outcome ? "connection lost" : outcome.error().message;
      note_lost(why);
      end.error = core::unavailable("PostgreSQL transaction lost: " + why);
      return end;
    }
    if (!outcome && !retry_contention && retryable(connection_->last_sqlstate())) {
      (void)connection_->exec("ROLLBACK");
      end.kind = TransactionEnd::contended;
      return end;
    }
    end.outcomes.push_back(std::move(outcome));
  }
  if (connection_->transaction_failed()) {
    (void)connection_->exec("ROLLBACK");
    end.error = core::internal_error("PostgreSQL transaction aborted: savepoint handling failed");
    return end;
  }
  auto committed = connection_->exec(savepoint_open ? "RELEASE SAVEPOINT job; COMMIT" : "COMMIT");
  if (!committed) {
    if (connection_->broken()) {
      connection_.reset();
      note_lost(committed.error().message);
      // No answer to COMMIT: it may or may not have happened.
      end.error = core::unavailable("PostgreSQL COMMIT unconfirmed: " + committed.error().message);
      return end;
    }
    (void)connection_->exec("ROLLBACK");
    end.error = committed.error();
    return end;
  }
  end.kind = TransactionEnd::committed;
  return end;
}

void Writer::commit_batch(std::deque<Pending>& batch) {
  std::vector<Pending*> jobs;
  for (auto& pending : batch) jobs.push_back(&pending);
  // A job alone in its transaction can retry in place: rolling back to its savepoint frees all
  // it held.
  auto end = transaction(jobs, jobs.size() == 1);
  if (end.kind == TransactionEnd::contended) {
    for (auto* pending : jobs) {
      auto alone = transaction({pending}, true);
      complete(pending->done,
               alone.kind == TransactionEnd::committed ? std::move(alone.outcomes[0]) : core::Status(alone.error));
    }
    return;
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    complete(jobs[i]->done,
             end.kind == TransactionEnd::committed ? std::move(end.outcomes[i]) : core::Status(end.error));
  }
}

}  // namespace herald::store::postgres
