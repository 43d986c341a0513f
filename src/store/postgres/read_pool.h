#pragma once
// Reader connections for PostgresStore: at most `size` open at once, opened on demand, each
// leased to one call at a time. Reads run outside the writer's transactions (autocommit), so
// they see what has committed, from this node or any other.
//
// Recovery: a call that finds its pooled connection dead (the server restarted since it was last
// used) drops every idle connection, which died the same way, and runs once more on a new one;
// while the server is down calls fail with ErrorKind::unavailable, and the pool reconnects by
// itself once it is back.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

class ReadPool {
 public:
  ReadPool(ConnectSettings settings, int size);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Runs `read(Connection&) -> core::Result<T>` on a leased connection; blocks while all `size`
  // connections are busy. Safe for concurrent use. After close(): ErrorKind::unavailable.
  template <class Read>
  auto run(Read&& read) -> decltype(read(std::declval<Connection&>())) {
    for (bool retried = false;; retried = true) {
      auto lease = acquire(retried);
      if (!lease) return lease.error();
      auto result = read(*lease->connection);
      const bool lost = !result && lease->connection->broken();
      const bool reused = lease->reused;
      release(std::move(lease->connection));
      if (!lost || !reused || retried) return result;
    }
  }

  // Closes the idle connections; later calls fail. Leased ones close when they come back.
  void close();

 private:
  struct Lease {
    std::unique_ptr<Connection> connection;
    bool reused = false;  // taken from the idle list (it may have died since)
  };
  core::Result<Lease> acquire(bool fresh);
  void release(std::unique_ptr<Connection> connection);

  const ConnectSettings settings_;
  const int size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // idle + leased + being opened
  bool closed_ = false;
};

}  // namespace herald::store::postgres
