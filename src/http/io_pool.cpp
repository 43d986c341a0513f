#include "http/io_pool.h"

#include <algorithm>

namespace herald::http {

namespace asio = boost::asio;

IoPool::IoPool(std::size_t size) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, size); ++i) {
    // Hint 1: the scheduler knows a single thread runs it and skips the wake-ups of idle threads.
    auto io = std::make_unique<PoolContext>(1);
    auto guard = asio::make_work_guard(*io);
    contexts_.push_back(std::make_unique<Context>(Context{std::move(io), std::move(guard), {}}));
  }
}

IoPool::~IoPool() {
  stop();
  join();
  // Abandoned handlers are destroyed when their io_context shuts down, and may own objects of
  // another context: a connection's handlers hold timers of main() (a server's state), and
  // main()'s pending accept holds a socket already placed on a connection context. So every
  // context is shut down (handlers destroyed) while all of them still exist, connection contexts
  // first, and only then are they destroyed.
  for (std::size_t i = contexts_.size(); i-- > 0;) contexts_[i]->io->shutdown();
  while (!contexts_.empty()) contexts_.pop_back();
}

asio::io_context& IoPool::next() { return at(next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()); }

void IoPool::start() {
  for (auto& context : contexts_) {
    context->thread = std::thread([io = context->io.get()] { io->run(); });
  }
}

void IoPool::stop() {
  for (auto& context : contexts_) {
    context->keep_running.reset();
    context->io->stop();
  }
}

void IoPool::join() {
  for (auto& context : contexts_) {
    if (context->thread.joinable()) context->thread.join();
  }
}

}  // namespace herald::http
