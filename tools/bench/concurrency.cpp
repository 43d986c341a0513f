#include "concurrency.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>

namespace herald::bench {

namespace asio = boost::asio;
using asio::awaitable;

namespace {
struct Join {
  explicit Join(const asio::any_io_executor& executor) : done(executor, asio::steady_timer::time_point::max()) {}
  std::size_t remaining = 0;
  std::exception_ptr first_error;
  asio::steady_timer done;
};
}  // namespace

awaitable<void> run_concurrently(std::size_t count, std::function<awaitable<void>(std::size_t)> worker) {
  if (count == 0) co_return;
  auto executor = co_await asio::this_coro::executor;
  auto join = std::make_shared<Join>(executor);
  join->remaining = count;
  for (std::size_t index = 0; index < count; ++index) {
    asio::co_spawn(executor, worker(index), [join](std::exception_ptr error) {
      if (error && !join->first_error) join->first_error = error;
      if (--join->remaining == 0) join->done.cancel();
    });
  }
  while (join->remaining > 0) {
    boost::system::error_code ignored;
    co_await join->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (join->first_error) std::rethrow_exception(join->first_error);
}

awaitable<void> sleep_for(std::chrono::steady_clock::duration duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace herald::bench
