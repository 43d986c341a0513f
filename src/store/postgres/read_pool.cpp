#include "store/postgres/read_pool.h"

namespace herald::store::postgres {

ReadPool::ReadPool(ConnectSettings settings, int size) : settings_(std::move(settings)), size_(size < 1 ? 1 : size) {}

ReadPool::~ReadPool() {
  close();
}

void ReadPool::close() {
  std::vector<std::unique_ptr<Connection>> closing;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    open_ -= static_cast<int>(idle_.size());
    closing.swap(idle_);
  }
  available_.notify_all();
}

core::Result<ReadPool::Lease> ReadPool::acquire(bool fresh) {
  std::unique_ptr<Connection> dropped;  // closed outside the lock
  {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return closed_ || !idle_.empty() || open_ < size_; });
    if (closed_) return core::unavailable("store is closed");
    if (!idle_.empty() && !fresh) {
      Lease lease{std::move(idle_.back()), true};
      idle_.pop_back();
      return lease;
    }
    if (open_ == size_) {
      // A fresh connection is wanted and the pool is full of idle ones: replace one.
      dropped = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
    }
  }
  dropped.reset();
  auto opened = Connection::open(settings_);
  if (!opened) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
    return opened.error();
  }
  return Lease{std::move(opened).value(), false};
}

void ReadPool::release(std::unique_ptr<Connection> connection) {
  std::vector<std::unique_ptr<Connection>> dropped;  // closed outside the lock
  {
    std::lock_guard lock(mutex_);
    if (connection->broken() || closed_) {
      // The idle ones most likely died with it (a server restart ends every session).
      if (connection->broken()) dropped.swap(idle_);
      dropped.push_back(std::move(connection));
      open_ -= static_cast<int>(dropped.size());
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_all();
}

}  // namespace herald::store::postgres
