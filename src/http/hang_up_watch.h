#pragma once
// Internal to src/http: watches the socket of a connection whose handler may wait for minutes (a
// long poll) for its client hanging up. No coroutine of its own, so a parked poll pays for one
// pending readability wait and a small shared state: when the socket turns readable, a hang-up
// (FIN/RST) calls on_hang_up; unread bytes instead (a pipelined request, a TLS record) would keep
// it readable, so the hang-up is then checked every 500 ms.
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>

namespace herald::http::detail {

class HangUpWatch {
 public:
  // Starts watching. on_hang_up runs on the socket's executor, at most once, and never after the
  // watch is destroyed. REQUIRES: nothing else waits on or reads from the socket meanwhile.
  HangUpWatch(boost::asio::ip::tcp::socket& socket, std::function<void()> on_hang_up);
  // Stops watching (cancels the socket's pending wait). REQUIRES: on the socket's executor.
  ~HangUpWatch();
  HangUpWatch(const HangUpWatch&) = delete;
  HangUpWatch& operator=(const HangUpWatch&) = delete;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace herald::http::detail
