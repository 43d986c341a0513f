// Running N coroutines side by side on the bench's single io thread and waiting for them all.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <functional>

namespace herald::bench {

// Starts worker(0) … worker(count - 1) concurrently on the current executor and completes when all
// have finished. If any worker throws, the first exception is rethrown after all have finished.
// Single-threaded executors only (the shared bookkeeping is not synchronised).
boost::asio::awaitable<void> run_concurrently(std::size_t count,
                                              std::function<boost::asio::awaitable<void>(std::size_t)> worker);

boost::asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration duration);

// Seconds elapsed since `start`, as a double.
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace herald::bench
