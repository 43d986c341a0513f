#include "http/hang_up_watch.h"

#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "http/connection_checks.h"

namespace herald::http::detail {

namespace asio = boost::asio;

namespace {
constexpr std::chrono::milliseconds kHangUpPoll{500};
}  // namespace

// Shared with the pending completion handlers, which may run after the watch is gone.
struct HangUpWatch::State : std::enable_shared_from_this<HangUpWatch::State> {
  State(asio::ip::tcp::socket& watched, std::function<void()> callback)
      : socket(watched), on_hang_up(std::move(callback)) {}

  void wait_readable() {
    socket.async_wait(asio::ip::tcp::socket::wait_read,
                      [self = shared_from_this()](boost::system::error_code ec) { self->check(ec); });
  }

  void check(boost::system::error_code ec) {
    if (stopped) return;
    if (ec || peer_hung_up(socket)) {
      stopped = true;
      on_hang_up();
      return;
    }
    if (!timer) timer = std::make_unique<asio::steady_timer>(socket.get_executor());
    timer->expires_after(kHangUpPoll);
    timer->async_wait([self = shared_from_this()](boost::system::error_code timer_error) {
      if (!timer_error) self->check({});
    });
  }

  asio::ip::tcp::socket& socket;  // not touched once stopped
  std::function<void()> on_hang_up;
  std::unique_ptr<asio::steady_timer> timer;  // only once unread bytes are seen
  bool stopped = false;
};

HangUpWatch::HangUpWatch(asio::ip::tcp::socket& socket, std::function<void()> on_hang_up)
    : state_(std::make_shared<State>(socket, std::move(on_hang_up))) {
  state_->wait_readable();
}

HangUpWatch::~HangUpWatch() {
  if (state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->socket.cancel(ignored);
  if (state_->timer) state_->timer->cancel();
}

}  // namespace herald::http::detail
