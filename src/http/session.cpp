// One connection, start to end: [TLS handshake] → wait for a request → read it → route → run the
// handler → write the reply → again while keep-alive lasts. The same code serves plain TCP and TLS.
#include "http/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <optional>

#include "http/beast_conversion.h"
#include "http/connection_checks.h"
#include "http/hang_up_watch.h"
#include "http/response_head.h"

namespace herald::http::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// The first read of a request: an agent's request head (with its token) fits; a larger one grows the
// buffer. Every idle keep-alive connection holds this much.
constexpr std::size_t kReadChunk = 1024;
// How long, and how much, to keep reading (and dropping) what a client still sends after an
// error reply.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 64 * 1024;

using PlainStream = beast::tcp_stream;
using Parser = bhttp::request_parser<bhttp::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Counts a request from the end of its reading to the end of its reply.
class InFlightScope {
 public:
  explicit InFlightScope(ServerState& server) : server_(server) { ++server_.in_flight_requests; }
  ~InFlightScope() { --server_.in_flight_requests; }
  InFlightScope(const InFlightScope&) = delete;
  InFlightScope& operator=(const InFlightScope&) = delete;

 private:
  ServerState& server_;
};

// Bytes of an unauthenticated body counted against the listener's budget while it is held.
class BodyReservation {
 public:
  BodyReservation() = default;
  ~BodyReservation() { release(); }
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;

  bool take(ServerState& server, const std::string& address, std::size_t bytes) {
    if (!server.unauthenticated_bodies.try_take(address, bytes)) return false;
    server_ = &server;
    address_ = address;
    bytes_ = bytes;
    return true;
  }
  void release() {
    if (server_ != nullptr) server_->unauthenticated_bodies.give_back(address_, bytes_);
    server_ = nullptr;
  }

 private:
  ServerState* server_ = nullptr;
  std::string address_;
  std::size_t bytes_ = 0;
};

template <class Stream>
class Session {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(std::shared_ptr<ServerState> server, std::shared_ptr<Connection> connection, tcp::socket socket)
      : server_(std::move(server)),
        connection_(std::move(connection)),
        stream_(make_stream(std::move(socket))) {}

  asio::awaitable<void> run() {
    // Cancellation (a hard shutdown) closes the socket too; let operations fail with an error
    // instead of throwing, so that every reply still gets its on_written(false).
    co_await asio::this_coro::throw_if_cancelled(false);
    connection_->close_socket = [this] { lowest().close(); };
    if (co_await handshake()) {
      for (bool first = true; !server_->stopping; first = false) {
        if (!co_await wait_for_request(first)) break;
        if (!co_await serve_request()) break;
      }
      co_await close_gracefully();
    }
    connection_->close_socket = nullptr;
  }

 private:
  Stream make_stream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server_->tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return server_->options; }

  asio::awaitable<bool> handshake() {
    if constexpr (kTls) {
      lowest().expires_after(options().header_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (ec) spdlog::debug("{}: TLS handshake with {} failed: {}", options().name, connection_->address, ec.message());
      co_return !ec;
    } else {
      co_return true;
    }
  }

  // Waits for the first bytes of the next request: a new connection must start its request
  // within header_timeout, a kept-alive one may stay silent for idle_timeout. Only here is the
  // connection idle, i.e. closed at once by a graceful shutdown.
  asio::awaitable<bool> wait_for_request(bool first) {
    connection_->header_pending = true;
    if (buffer_.size() > 0) co_return true;  // it arrived together with the previous one
    lowest().expires_after(first ? options().header_timeout : options().idle_timeout);
    connection_->awaiting_request = true;
    auto [ec, bytes] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), use_tuple);
    connection_->awaiting_request = false;
    buffer_.commit(bytes);
    co_return !ec;
  }

  // A request read and admitted, its body in, for its handler.
  struct Incoming {
    Request request;
    const Endpoint* endpoint = nullptr;
    unsigned version = 11;
    bool head_request = false;
    bool client_wants_keep_alive = false;
  };
  // How read_request ended when it did not hand over a request.
  enum class ReadOutcome { ready, answered_keep_open, close };

  // Reads, admits, handles and answers one request; true when the connection stays open for
  // another. The body is read only once the route is known, its limit checked and its guard
  // (authentication) passed: a refused request's body is never read, and nobody unauthenticated
  // can make heraldd hold a large body. Reading is a coroutine of its own so that a handler
  // parked for minutes keeps only this small frame (no parser, no error-path temporaries).
  asio::awaitable<bool> serve_request() {
    const auto started = Clock::now();
    Incoming incoming;
    std::optional<InFlightScope> in_flight;
    BodyReservation reservation;
    const ReadOutcome outcome = co_await read_request(incoming, in_flight, reservation, started);
    if (outcome != ReadOutcome::ready) co_return outcome == ReadOutcome::answered_keep_open;

    // A long poll may hold this connection for minutes: give the buffers back meanwhile (unless a
    // pipelined request is already in the read buffer). Other requests keep them for the next.
    if (incoming.endpoint->long_poll) {
      if (buffer_.size() == 0) buffer_.shrink_to_fit();
      std::string().swap(head_);
      decltype(incoming.request.headers)().swap(incoming.request.headers);  // see Endpoint::long_poll
    }
    Response response = co_await respond(*incoming.endpoint, incoming.request);
    reservation.release();
    const bool keep_alive = incoming.client_wants_keep_alive && !server_->stopping;
    const bool written =
        !client_gone_ && co_await write(response, incoming.version, keep_alive, incoming.head_request);
    if (response.on_written) response.on_written(written);
    observe(incoming.request, response, started);
    co_return written && keep_alive;
  }

  // Reads the request's head, routes it, admits it and reads its body into `incoming`; answers
  // the requests it refuses itself (then answered_keep_open or close).
  asio::awaitable<ReadOutcome> read_request(Incoming& incoming, std::optional<InFlightScope>& in_flight,
                                            BodyReservation& reservation, Clock::time_point started) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options().max_header_bytes, UINT32_MAX)));
    parser.body_limit(boost::none);  // the route's limit is set once the route is known
    lowest().expires_after(options().header_timeout);
    auto [read_error, header_bytes] = co_await bhttp::async_read_header(stream_, buffer_, parser, use_tuple);
    if (read_error) {
      if (auto error = classify_read_error(read_error)) {
        const unsigned version = parser.is_header_done() ? parser.get().version() : 11;
        // Named, not temporaries: g++ 12 mishandles class temporaries inside co_await expressions.
        const Request line = request_line(parser);
        co_await reply_and_linger(*error, line, version, started);
      }
      co_return ReadOutcome::close;
    }
    connection_->header_pending = false;

    in_flight.emplace(*server_);
    incoming.version = parser.get().version();
    incoming.head_request = parser.get().method() == bhttp::verb::head;
    incoming.client_wants_keep_alive = parser.get().keep_alive();
    auto head = to_request_head(parser.get(), connection_->address);
    if (!head) {
      const ProtocolError bad_request{400, head.error().message};
      const Request line = request_line(parser);
      co_await reply_and_linger(bad_request, line, incoming.version, started);
      co_return ReadOutcome::close;
    }
    Request& request = incoming.request;
    request = std::move(*head);

    const auto match = server_->router.match(request);
    std::optional<Response> refusal;
    if (!match.endpoint) {
      refusal = match.path_matched ? server_->error_reply(405, "method not allowed")
                                   : server_->error_reply(404, "no route for " + request.path);
    } else {
      refusal = co_await admit(*match.endpoint, request, parser, reservation);
    }
    if (refusal) {
      // The body (if any) stays unread: answer, then close unless there was none.
      const bool body_unread = !parser.is_done();
      const bool keep_alive = incoming.client_wants_keep_alive && !body_unread && !server_->stopping;
      const bool written = co_await write(*refusal, incoming.version, keep_alive, incoming.head_request);
      if (refusal->on_written) refusal->on_written(written);
      observe(request, *refusal, started);
      if (written && body_unread) co_await linger();
      co_return written && keep_alive ? ReadOutcome::answered_keep_open : ReadOutcome::close;
    }

    if (const auto error = co_await read_body(parser, body_limit(*match.endpoint))) {
      if (auto protocol_error = classify_read_error(error)) {
        co_await reply_and_linger(*protocol_error, request, incoming.version, started);
      }
      co_return ReadOutcome::close;
    }
    request.body = std::move(parser.get().body());
    incoming.endpoint = match.endpoint;
    co_return ReadOutcome::ready;
  }

  // The route's limit, never above the listener's.
  std::size_t body_limit(const Endpoint& endpoint) const {
    const std::size_t ceiling = options().max_body_bytes;
    return endpoint.max_body_bytes != 0 ? std::min(endpoint.max_body_bytes, ceiling) : ceiling;
  }

  // Decides, from the headers alone, whether the request's body may be read: nullopt to go on,
  // else the reply. The guard's refusal (401/403) first, so that nobody unauthenticated learns
  // more; 413 for a declared length over the route's limit; 503 when an open route's body would
  // pass the budget of unauthenticated bodies.
  asio::awaitable<std::optional<Response>> admit(const Endpoint& endpoint, Request& request, const Parser& parser,
                                                 BodyReservation& reservation) {
    if (endpoint.guard) {
      if (auto refused = co_await endpoint.guard(request)) co_return refused;
    }
    const std::size_t limit = body_limit(endpoint);
    const auto declared = parser.content_length();
    if (declared && *declared > limit) co_return server_->error_reply(413, "request body too large");
    if (endpoint.guard || parser.is_done()) co_return std::nullopt;  // authenticated, or no body to hold
    const std::size_t bytes = declared ? static_cast<std::size_t>(*declared) : limit;  // chunked: the worst case
    if (!reservation.take(*server_, connection_->address, bytes)) {
      auto busy = server_->error_reply(503, "too many unauthenticated request bodies in flight; retry later");
      busy.headers.emplace_back("Retry-After", "1");
      co_return busy;
    }
    co_return std::nullopt;
  }

  // Reads the body the request declared, up to `limit` bytes, within read_timeout.
  asio::awaitable<boost::system::error_code> read_body(Parser& parser, std::size_t limit) {
    if (parser.is_done()) co_return boost::system::error_code{};
    boost::system::error_code ec;
    std::size_t bytes = 0;
    // curl and others wait (up to a second) for this before sending a large body.
    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
      lowest().expires_after(options().write_timeout);
      std::tie(ec, bytes) = co_await bhttp::async_write(stream_, go_on, use_tuple);
      if (ec) co_return ec;
    }
    parser.body_limit(limit);
    lowest().expires_after(options().read_timeout);
    std::tie(ec, bytes) = co_await bhttp::async_read(stream_, buffer_, parser, use_tuple);
    co_return ec;
  }

  // What the observer learns about a request that never reached a handler.
  Request request_line(const Parser& parser) const {
    Request request;
    request.remote_address = connection_->address;
    if (parser.is_header_done()) {
      request.method = to_method(parser.get().method());
      request.target = std::string(parser.get().target());
    }
    return request;
  }

  // Runs the route's handler. A long poll runs while the socket is watched: a client that hangs up
  // cancels the handler (through the session's cancellation slot, so that the operation it waits
  // on ends) instead of leaving it parked for minutes.
  asio::awaitable<Response> respond(const Endpoint& endpoint, Request& request) {
    if (!endpoint.long_poll) co_return co_await call_handler(endpoint.handler, request);
    HangUpWatch watch(lowest().socket(), [this] {
      client_gone_ = true;
      connection_->cancel.emit(asio::cancellation_type::terminal);
    });
    co_return co_await call_handler(endpoint.handler, request);
  }

  // Never throws: a handler's exception becomes a 500 and a log line.
  asio::awaitable<Response> call_handler(const Handler& handler, Request& request) {
    std::string what;
    try {
      co_return co_await handler(request);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    if (client_gone_ || server_->stopping) {
      spdlog::debug("{}: handler for {} {} cancelled: {}", options().name, request.route, request.path, what);
    } else {
      spdlog::error("{}: handler for {} ({}) threw: {}", options().name, request.route, request.path, what);
    }
    co_return server_->error_reply(500, "internal server error");
  }

  asio::awaitable<bool> write(const Response& response, unsigned version, bool keep_alive, bool head_request) {
    write_response_head(response, version, keep_alive, head_);
    const std::array<asio::const_buffer, 2> reply{
        asio::buffer(head_), sends_body(response, head_request) ? asio::buffer(response.body) : asio::const_buffer()};
    lowest().expires_after(options().write_timeout);
    auto [ec, bytes] = co_await asio::async_write(stream_, reply, use_tuple);
    co_return !ec;
  }

  // Answers a request the server rejects itself, then closes.
  asio::awaitable<void> reply_and_linger(const ProtocolError& error, const Request& request, unsigned version,
                                         Clock::time_point started) {
    Response response = server_->error_reply(error.status, error.detail);
    const bool written = co_await write(response, version, false, false);
    if (response.on_written) response.on_written(written);
    observe(request, response, started);
    if (written) co_await linger();
  }

  // After a reply to a request whose body stays unread: closing with unread data would reset the
  // connection and could destroy the reply before the client reads it, so read on (and drop) for
  // a moment — but only a little: a client that keeps sending is cut off, not drained.
  asio::awaitable<void> linger() {
    if constexpr (!kTls) {
      boost::system::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    lowest().expires_after(std::min(kLingerTime, options().read_timeout));
    std::array<char, kReadChunk> discarded;
    for (std::size_t dropped = 0; dropped < kLingerBytes;) {
      auto [ec, bytes] = co_await stream_.async_read_some(asio::buffer(discarded), use_tuple);
      if (ec) break;
      dropped += bytes;
    }
  }

  asio::awaitable<void> close_gracefully() {
    if (!lowest().socket().is_open()) co_return;  // timed out, cancelled or already closed
    if constexpr (kTls) {
      // close_notify tells the client the reply was complete; do not wait long for its answer.
      lowest().expires_after(std::min(kLingerTime, options().write_timeout));
      co_await stream_.async_shutdown(use_tuple);
    } else {
      boost::system::error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    lowest().close();
  }

  void observe(const Request& request, const Response& response, Clock::time_point started) const {
    if (!server_->observer) return;
    server_->observer(request, response, std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
  }

  std::shared_ptr<ServerState> server_;
  std::shared_ptr<Connection> connection_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string head_;  // the reply's status line and headers; its capacity is kept for the next
  bool client_gone_ = false;  // set when a long poll's client hung up
};

template <class Stream>
asio::awaitable<void> serve(std::shared_ptr<ServerState> server, std::shared_ptr<Connection> connection,
                            tcp::socket socket) {
  {
    Session<Stream> session(server, connection, std::move(socket));
    try {
      co_await session.run();
    } catch (const std::exception& e) {
      spdlog::error("{}: connection failed: {}", server->options.name, e.what());
    }
  }
  connection->close_socket = nullptr;
  // The server's state owns an acceptor and timers of another io_context: hand our reference to
  // its control strand so that, if it is the last one, the state is destroyed there.
  auto& control = server->control;
  asio::post(control, [server = std::move(server), connection = std::move(connection)] {
    server->unregister(connection);
  });
}

}  // namespace

void spawn_session(std::shared_ptr<ServerState> server, std::shared_ptr<Connection> connection, tcp::socket socket) {
  const auto executor = connection->executor;
  auto on_done = asio::bind_cancellation_slot(connection->cancel.slot(), asio::detached);
  if (server->tls) {
    asio::co_spawn(executor, serve<TlsStream>(std::move(server), std::move(connection), std::move(socket)), on_done);
  } else {
    asio::co_spawn(executor, serve<PlainStream>(std::move(server), std::move(connection), std::move(socket)), on_done);
  }
}

}  // namespace herald::http::detail
