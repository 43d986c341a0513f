#include "store/sqlite/writer.h"

#include <spdlog/spdlog.h>

#include <future>
#include <vector>

namespace herald::store::sqlite {

Writer::Writer(std::unique_ptr<Database> db) : db_(std::move(db)), thread_([this] { loop(); }) {}

Writer::~Writer() { close(); }

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
}

std::size_t Writer::queued() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Writer::loop() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      batch.swap(queue_);
    }
    commit_batch(batch);
  }
}

namespace {

// A completion that throws must not take the writer thread (and every later write) with it.
void complete(Writer::Done& done, core::Status outcome) {
  try {
    done(std::move(outcome));
  } catch (const std::exception& e) {
    spdlog::error("storage: a write's completion threw: {}", e.what());
  }
}

// Transaction control through cached prepared statements: these run for every job, and parsing
// them each time showed up in profiles.
core::Status run_statement(Database& db, std::string_view sql) {
  auto statement = db.prepare(sql);
  if (!statement) return statement.error();
  return statement->run();
}
}  // namespace

void Writer::commit_batch(std::deque<Pending>& batch) {
  bool committed = false;
  auto outcomes = run_transaction(batch, committed);
  // Before anyone learns the outcome: a caller that saw its write fail on a full disk must find
  // /health degraded, one whose write committed with room to spare must find it ok.
  // Logged once each way, not per failed write.
  if (db_->take_disk_full_seen()) {
    if (!disk_full_.exchange(true)) {
      spdlog::error("storage: disk is full: writes to {} fail (503) until space is freed", db_->filename());
    }
  } else if (committed && disk_full_) {
    auto free = db_->free_disk_bytes();
    if (!free || *free >= kRoomAfterFull) {
      disk_full_ = false;
      spdlog::warn("storage: the disk holding {} has room again: writes resume", db_->filename());
    }
  }
  for (std::size_t i = 0; i < batch.size(); ++i) complete(batch[i].done, std::move(outcomes[i]));
}

std::vector<core::Status> Writer::run_transaction(std::deque<Pending>& batch, bool& committed) {
  if (auto begin = run_statement(*db_, "BEGIN IMMEDIATE"); !begin) {
    return std::vector<core::Status>(batch.size(), begin.error());
  }
  std::vector<core::Status> outcomes;
  outcomes.reserve(batch.size());
  for (auto& pending : batch) {
    core::Status outcome = run_statement(*db_, "SAVEPOINT job");
    if (outcome) {
      try {
        outcome = pending.job(*db_);
      } catch (const std::exception& e) {
        outcome = core::internal_error(std::string("store job threw: ") + e.what());
      }
      if (!outcome) (void)run_statement(*db_, "ROLLBACK TO job");
      (void)run_statement(*db_, "RELEASE job");
    }
    outcomes.push_back(std::move(outcome));
  }
  auto commit = run_statement(*db_, "COMMIT");
  if (!commit) {
    (void)run_statement(*db_, "ROLLBACK");
    return std::vector<core::Status>(batch.size(), core::unavailable(commit.error().message));
  }
  committed = true;
  return outcomes;
}

}  // namespace herald::store::sqlite
