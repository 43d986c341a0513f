#pragma once
// One io_context per core, each run by exactly one thread (concurrency hint 1). A connection is
// placed on one of them when it is accepted and lives there until it closes, so its handlers run
// on one thread, need no strand and never hop between threads; work for another connection (a
// wake-up, a store completion) is posted to that connection's io_context.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace herald::http {

class IoPool {
 public:
  // REQUIRES: size >= 1.
  explicit IoPool(std::size_t size);
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& at(std::size_t index) { return *contexts_[index]->io; }
  // The io_context of accept loops, timers and other housekeeping (also one of the pool's).
  boost::asio::io_context& main() { return at(0); }
  // The io_context for a new connection: each in turn. Safe for concurrent use.
  boost::asio::io_context& next();

  // Starts one thread per io_context; each runs until stop(), idle or not. Call once.
  void start();
  // Stops every io_context: handlers not yet run are abandoned. Safe from any thread, idempotent.
  void stop();
  // Joins the threads (after stop()). Must not be called from one of them.
  void join();

 private:
  // An io_context whose services the pool can shut down before any context is destroyed.
  class PoolContext : public boost::asio::io_context {
   public:
    using boost::asio::io_context::io_context;
    using boost::asio::execution_context::shutdown;
  };
  struct Context {
    std::unique_ptr<PoolContext> io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Context>> contexts_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace herald::http
