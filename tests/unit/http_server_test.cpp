// Runs a real Server on 127.0.0.1 (port 0) with a toy router and talks to it over real sockets.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "http/server.h"

namespace herald::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr auto kBound = 5s;  // upper bound for anything a test waits for

// Polls `condition` until it holds or `limit` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds limit = kBound) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// A blocking client on its own io_context; every operation is bounded by a Beast timeout.
class Client {
 public:
  // Connects from `source` (any 127.0.0.0/8 address works on loopback) to 127.0.0.1:port.
  explicit Client(std::uint16_t port, const std::string& source = "127.0.0.1") {
    boost::system::error_code ignored;
    stream_.socket().open(tcp::v4(), ignored);
    stream_.socket().bind(tcp::endpoint(asio::ip::make_address(source), 0), ignored);
    stream_.expires_after(kBound);
    stream_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [this](boost::system::error_code ec) { error_ = ec; });
    run();
  }

  bool connected() const { return !error_ && stream_.socket().is_open(); }

  void send(const std::string& raw) {
    stream_.expires_after(kBound);
    asio::async_write(stream_, asio::buffer(raw), [this](boost::system::error_code ec, std::size_t) { error_ = ec; });
    run();
  }

  std::optional<BeastResponse> read_response() {
    bhttp::response_parser<bhttp::string_body> parser;
    stream_.expires_after(kBound);
    bhttp::async_read(stream_, buffer_, parser, [this](boost::system::error_code ec, std::size_t) { error_ = ec; });
    run();
    if (error_) return std::nullopt;
    return parser.release();
  }

  std::optional<BeastResponse> request(const std::string& method, const std::string& target, const std::string& extra = "",
                                       const std::string& body = "") {
    std::string raw = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra;
    if (!body.empty()) raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    send(raw + "\r\n" + body);
    return read_response();
  }

  // True when the server closes the connection within `limit`; bytes before the close are dropped.
  bool closed_by_server(std::chrono::milliseconds limit = kBound) {
    stream_.expires_after(limit);
    for (;;) {
      std::array<char, 1024> scratch;
      stream_.async_read_some(asio::buffer(scratch), [this](boost::system::error_code ec, std::size_t) { error_ = ec; });
      run();
      if (error_) return error_ != beast::error::timeout;
    }
  }

  void close() { stream_.close(); }
  std::string error() const { return error_.message(); }

 private:
  void run() {
    io_.restart();
    io_.run();
  }

  asio::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
  boost::system::error_code error_;
};

Response text(std::string body, unsigned status = 200) {
  Response response;
  response.status = status;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.add(Method::get, "/hello", [](Request&) -> asio::awaitable<Response> { co_return text("hello"); });
    router_.add(Method::get, "/agents/{agent_id}/groups/{group_id}", [](Request& request) -> asio::awaitable<Response> {
      co_return text(request.path_params.at("agent_id") + "|" + request.path_params.at("group_id") + "|" +
                     std::string(request.query_param("q").value_or("-")));
    });
    router_.add(Method::post, "/echo", [](Request& request) -> asio::awaitable<Response> { co_return text(request.body); });
    router_.add(Method::get, "/throw", [](Request&) -> asio::awaitable<Response> {
      throw std::runtime_error("boom");
      co_return text("unreachable");
    });
    router_.add(Method::get, "/written", [this](Request&) -> asio::awaitable<Response> {
      auto response = text("tracked");
      response.on_written = [this](bool written) { record_written(written); };
      co_return response;
    });
    // A long-poll: parks until the test releases it or the server cancels it (client gone,
    // shutdown), then replies with a tracked response.
    // Like a real long-poll it still replies when cancelled: it checks the cancellation state
    // rather than letting the next co_await throw.
    router_.add(Method::get, "/wait", Endpoint{[this](Request&) -> asio::awaitable<Response> {
      co_await asio::this_coro::throw_if_cancelled(false);
      ++parked_;
      asio::steady_timer tick(co_await asio::this_coro::executor);
      while (!released_) {
        const asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
        if (state.cancelled() != asio::cancellation_type::none) break;
        tick.expires_after(5ms);
        co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
      }
      auto response = text("woken");
      response.on_written = [this](bool written) { record_written(written); };
      co_return response;
    }, {}}.as_long_poll());
    // Guarded: only requests with "X-Key: ok" get their body read; the handler sees who passed.
    Guard key_guard = [this](Request& request) -> asio::awaitable<std::optional<Response>> {
      ++guarded_;
      if (request.header("X-Key") != std::optional<std::string_view>("ok")) co_return text("no key", 401);
      if (!request.body.empty()) co_return text("body read before the guard", 500);
      request.principal = "keyholder";
      co_return std::nullopt;
    };
    router_.add(Method::post, "/guarded",
                Endpoint{[](Request& request) -> asio::awaitable<Response> {
                           co_return text(request.principal + ":" + std::to_string(request.body.size()));
                         },
                         key_guard});
    router_.add(Method::get, "/guarded", Endpoint{[](Request&) -> asio::awaitable<Response> { co_return text("in"); }, key_guard});
    router_.add(Method::post, "/small", [](Request& request) -> asio::awaitable<Response> { co_return text(request.body); },
                16);
    router_.add(Method::get, "/sleep", [](Request&) -> asio::awaitable<Response> {
      asio::steady_timer timer(co_await asio::this_coro::executor, 600ms);
      co_await timer.async_wait(asio::use_awaitable);
      co_return text("rested");
    });
  }

  ~HttpServerTest() override {
    if (server_) {
      std::atomic<bool> done = false;
      server_->shutdown(100ms, [&] { done = true; });
      EXPECT_TRUE(eventually([&] { return done.load(); }));
    }
    pool_.stop();
    pool_.join();
  }

  std::uint16_t start(ServerOptions options = {}) {
    server_ = std::make_unique<Server>(pool_, std::move(options), router_,
                                       [this](const Request& request, const Response& response, std::chrono::microseconds) {
                                         std::lock_guard lock(mutex_);
                                         observed_.push_back(std::string(request.route) + " " + std::to_string(response.status));
                                       });
    auto endpoint = server_->listen();
    EXPECT_TRUE(endpoint.ok()) << endpoint.error().message;
    server_->start();
    start_port_ = endpoint.ok() ? endpoint->port() : 0;
    // Two io threads: connections land on both, as in heraldd.
    if (!pool_started_) pool_.start();
    pool_started_ = true;
    return endpoint.ok() ? endpoint->port() : 0;
  }

  void record_written(bool written) {
    std::lock_guard lock(mutex_);
    written_.push_back(written);
  }
  std::vector<bool> written() {
    std::lock_guard lock(mutex_);
    return written_;
  }
  std::vector<std::string> observed() {
    std::lock_guard lock(mutex_);
    return observed_;
  }

  Router router_;
  IoPool pool_{2};
  bool pool_started_ = false;
  std::unique_ptr<Server> server_;
  std::uint16_t start_port_ = 0;
  std::atomic<bool> released_ = false;
  std::atomic<int> parked_ = 0;   // /wait handlers entered
  std::atomic<int> guarded_ = 0;  // guard runs
  std::mutex mutex_;
  std::vector<bool> written_;
  std::vector<std::string> observed_;
};

TEST_F(HttpServerTest, RoutesCapturesAndDecodesQuery) {
  Client client(start());
  auto response = client.request("GET", "/agents/001/groups/web%20servers?q=a+b%21");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "001|web servers|a b!");
  EXPECT_EQ((*response)[bhttp::field::content_type], "text/plain");
  EXPECT_EQ((*response)[bhttp::field::content_length], std::to_string(response->body().size()));
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405) {
  Client client(start());
  auto missing = client.request("GET", "/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404);
  EXPECT_NE(missing->body().find("\"code\":404"), std::string::npos) << missing->body();
  auto wrong_method = client.request("DELETE", "/hello");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->result_int(), 405);
}

TEST_F(HttpServerTest, CustomErrorResponseIsUsed) {
  ServerOptions options;
  options.error_response = [](unsigned status, std::string_view detail) {
    return text("custom " + std::to_string(status) + " " + std::string(detail), status);
  };
  Client client(start(options));
  auto response = client.request("GET", "/nope");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404);
  EXPECT_EQ(response->body().rfind("custom 404", 0), 0u) << response->body();
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Client client(start());
  auto first = client.request("GET", "/hello");
  auto second = client.request("POST", "/echo", "", "ping");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "hello");
  EXPECT_EQ(second->body(), "ping");
  EXPECT_TRUE(first->keep_alive());
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10AreHonoured) {
  const auto port = start();
  Client closing(port);
  auto response = closing.request("GET", "/hello", "Connection: close\r\n");
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(closing.closed_by_server());

  Client old(port);
  old.send("GET /hello HTTP/1.0\r\n\r\n");
  auto old_response = old.read_response();
  ASSERT_TRUE(old_response);
  EXPECT_EQ(old_response->version(), 10u);
  EXPECT_EQ(old_response->body(), "hello");
  EXPECT_TRUE(old.closed_by_server());
}

TEST_F(HttpServerTest, UnparsableRequestIs400) {
  Client client(start());
  client.send("GET /hello HTTP/1.1\r\nBad Header Without Colon\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, BodyOverLimitIs413WithContentLength) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  const auto port = start(options);
  Client small(port);
  auto accepted = small.request("POST", "/echo", "", std::string(1024, 'a'));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->result_int(), 200);

  Client client(port);
  auto response = client.request("POST", "/echo", "", std::string(5000, 'a'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, BodyOverLimitIs413WhenChunked) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Client client(start(options));
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'a') +
              "\r\n10\r\n" + std::string(16, 'b') + "\r\n0\r\n\r\n");
  auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413);
}

TEST_F(HttpServerTest, OversizedHeadersAre431) {
  ServerOptions options;
  options.max_header_bytes = 1024;
  Client client(start(options));
  auto response = client.request("GET", "/hello", "X-Big: " + std::string(2000, 'h') + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431);
}

TEST_F(HttpServerTest, SlowHeaderIsCutAfterHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  Client client(start(options));
  const auto started = std::chrono::steady_clock::now();
  client.send("GET /hello HTTP/1.1\r\nHo");
  EXPECT_TRUE(client.closed_by_server(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
  EXPECT_TRUE(eventually([&] { return server_->open_connections() == 0; }));
}

TEST_F(HttpServerTest, SilentNewConnectionIsCutAfterHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  Client client(start(options));
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST_F(HttpServerTest, SlowBodyIsCutAfterReadTimeout) {
  ServerOptions options;
  options.read_timeout = 200ms;
  Client client(start(options));
  const auto started = std::chrono::steady_clock::now();
  client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab");
  EXPECT_TRUE(client.closed_by_server(3s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 150ms);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  Client client(start(options));
  ASSERT_TRUE(client.request("GET", "/hello"));
  EXPECT_TRUE(client.closed_by_server(3s));
}

TEST_F(HttpServerTest, HandlerRunningLongerThanReadTimeoutIsNotCut) {
  ServerOptions options;
  options.read_timeout = 200ms;  // /sleep takes three times as long
  Client client(start(options));
  auto response = client.request("GET", "/sleep");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "rested");
}

TEST_F(HttpServerTest, AtTheLimitANewConnectionShedsTheOldestIdleOne) {
  ServerOptions options;
  options.max_connections = 2;
  const auto port = start(options);
  Client first(port), second(port);
  ASSERT_TRUE(eventually([&] { return server_->open_connections() == 2; }));
  Client third(port);
  EXPECT_TRUE(first.closed_by_server());  // the oldest connection that had sent nothing
  EXPECT_TRUE(third.request("GET", "/hello"));
  EXPECT_TRUE(second.request("GET", "/hello"));
}

TEST_F(HttpServerTest, AtTheLimitBusyConnectionsAreNotShedAndTheNewOneIsClosed) {
  ServerOptions options;
  options.max_connections = 2;
  const auto port = start(options);
  Client first(port), second(port);
  first.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  second.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return parked_ == 2; }));
  Client third(port);
  EXPECT_TRUE(third.closed_by_server());
  released_ = true;
  auto woken = first.read_response();
  ASSERT_TRUE(woken);
  EXPECT_EQ(woken->body(), "woken");
  EXPECT_TRUE(second.read_response());
}

TEST_F(HttpServerTest, PerAddressLimitShedsOnlyThatAddresssIdleConnections) {
  ServerOptions options;
  options.max_connections_per_address = 2;
  const auto port = start(options);
  Client a(port, "127.0.0.2"), b(port, "127.0.0.2"), other(port, "127.0.0.3");
  ASSERT_TRUE(eventually([&] { return server_->open_connections() == 3; }));
  Client c(port, "127.0.0.2");
  EXPECT_TRUE(a.closed_by_server());
  EXPECT_TRUE(c.request("GET", "/hello"));
  EXPECT_TRUE(b.request("GET", "/hello"));
  EXPECT_TRUE(other.request("GET", "/hello"));
}

TEST_F(HttpServerTest, PerAddressLimitWithNothingToShedClosesTheNewConnection) {
  ServerOptions options;
  options.max_connections_per_address = 1;
  const auto port = start(options);
  Client busy(port, "127.0.0.2");
  busy.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return parked_ == 1; }));
  Client refused(port, "127.0.0.2");
  EXPECT_TRUE(refused.closed_by_server());
  Client elsewhere(port, "127.0.0.3");
  EXPECT_TRUE(elsewhere.request("GET", "/hello"));
  released_ = true;
  EXPECT_TRUE(busy.read_response());
}

TEST_F(HttpServerTest, GuardRefusesFromTheHeadersAndTheBodyIsNeverRead) {
  Client client(start());
  // Declares 10 MB and sends none of it: the refusal must not wait for the body.
  client.send("POST /guarded HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n");
  auto refused = client.read_response();
  ASSERT_TRUE(refused) << client.error();
  EXPECT_EQ(refused->result_int(), 401);
  EXPECT_FALSE(refused->keep_alive());
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, GuardLetsThroughAndTheHandlerGetsBodyAndPrincipal) {
  Client client(start());
  auto response = client.request("POST", "/guarded", "X-Key: ok\r\n", "12345");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ(response->body(), "keyholder:5");
}

TEST_F(HttpServerTest, GuardRefusalOfABodilessRequestKeepsTheConnection) {
  Client client(start());
  auto refused = client.request("GET", "/guarded");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 401);
  auto admitted = client.request("GET", "/guarded", "X-Key: ok\r\n");
  ASSERT_TRUE(admitted);
  EXPECT_EQ(admitted->body(), "in");
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredOnlyAfterTheGuard) {
  Client client(start());
  client.send("POST /guarded HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto refused = client.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 401);  // a final answer, not 100 Continue
}

TEST_F(HttpServerTest, DeclaredBodyOverTheRoutesLimitIs413BeforeReading) {
  Client client(start());
  client.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n");
  auto refused = client.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 413);
  Client other(start_port_);
  auto fits = other.request("POST", "/small", "", "sixteen bytes!!!");
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->body(), "sixteen bytes!!!");
}

TEST_F(HttpServerTest, ChunkedBodyOverTheRoutesLimitIs413) {
  Client client(start());
  client.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" +
              std::string(32, 'a') + "\r\n0\r\n\r\n");
  auto refused = client.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 413);
}

TEST_F(HttpServerTest, UnauthenticatedBodiesInFlightAreBoundedPerAddressAndListener) {
  ServerOptions options;
  options.max_unauthenticated_body_bytes = 1500;
  options.max_unauthenticated_body_bytes_per_address = 1000;
  const auto port = start(options);
  const std::string head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ";
  // Holds 800 bytes of budget for 127.0.0.2 while its body is still arriving.
  Client holder(port, "127.0.0.2");
  holder.send(head + "800\r\n\r\n" + std::string(10, 'h'));
  ASSERT_TRUE(eventually([&] { return server_->in_flight_requests() == 1; }));

  Client same_address(port, "127.0.0.2");  // 800 + 300 > 1000 for that address
  same_address.send(head + "300\r\n\r\n");
  auto busy = same_address.read_response();
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->result_int(), 503);
  EXPECT_EQ((*busy)[bhttp::field::retry_after], "1");

  Client over_listener(port, "127.0.0.3");  // 800 + 800 > 1500 for the listener
  over_listener.send(head + "800\r\n\r\n");
  auto also_busy = over_listener.read_response();
  ASSERT_TRUE(also_busy);
  EXPECT_EQ(also_busy->result_int(), 503);

  Client fits(port, "127.0.0.3");  // 800 + 600 <= 1500
  auto echoed = fits.request("POST", "/echo", "", std::string(600, 'f'));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(echoed->body().size(), 600u);

  holder.send(std::string(790, 'h'));
  auto held = holder.read_response();
  ASSERT_TRUE(held);
  EXPECT_EQ(held->body().size(), 800u);
  // Given back once answered.
  Client again(port, "127.0.0.2");
  auto after = again.request("POST", "/echo", "", std::string(900, 'a'));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->result_int(), 200);
}

TEST_F(HttpServerTest, OnWrittenTrueAfterNormalReply) {
  Client client(start());
  auto response = client.request("GET", "/written");
  ASSERT_TRUE(response);
  ASSERT_TRUE(eventually([&] { return written().size() == 1; }));
  EXPECT_EQ(written(), std::vector<bool>{true});
}

TEST_F(HttpServerTest, OnWrittenFalseWhenClientLeftDuringLongPoll) {
  Client client(start());
  client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return parked_ == 1; }));
  client.close();
  // The server notices the hang-up and cancels the parked handler.
  ASSERT_TRUE(eventually([&] { return written().size() == 1; }));
  EXPECT_EQ(written(), std::vector<bool>{false});
  EXPECT_TRUE(eventually([&] { return server_->in_flight_requests() == 0 && server_->open_connections() == 0; }));
}

TEST_F(HttpServerTest, HandlerExceptionIs500AndServingContinues) {
  Client client(start());
  auto failed = client.request("GET", "/throw");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result_int(), 500);
  auto next = client.request("GET", "/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "hello");
}

TEST_F(HttpServerTest, ObserverSeesEveryRequest) {
  Client client(start());
  ASSERT_TRUE(client.request("GET", "/agents/1/groups/2"));
  ASSERT_TRUE(client.request("GET", "/nope"));
  ASSERT_TRUE(eventually([&] { return observed().size() == 2; }));
  EXPECT_EQ(observed(), (std::vector<std::string>{"/agents/{agent_id}/groups/{group_id} 200", " 404"}));
}

TEST_F(HttpServerTest, GracefulShutdownFinishesInFlightRequest) {
  const auto port = start();
  Client idle(port);
  ASSERT_TRUE(idle.request("GET", "/hello"));
  Client polling(port);
  polling.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return parked_ == 1; }));

  std::atomic<bool> done = false;
  server_->shutdown(kBound, [&] { done = true; });
  EXPECT_TRUE(idle.closed_by_server());  // idle keep-alive connections go at once
  EXPECT_FALSE(done);
  EXPECT_FALSE(Client(port).request("GET", "/hello"));  // no longer accepting

  released_ = true;
  auto response = polling.read_response();
  ASSERT_TRUE(response) << polling.error();
  EXPECT_EQ(response->body(), "woken");
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(eventually([&] { return done.load(); }));
  EXPECT_EQ(server_->open_connections(), 0u);
  EXPECT_EQ(written(), std::vector<bool>{true});
}

TEST_F(HttpServerTest, ShutdownCancelsWhatIsLeftAfterGrace) {
  Client polling(start());
  polling.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return parked_ == 1; }));
  std::atomic<bool> done = false;
  server_->shutdown(100ms, [&] { done = true; });
  EXPECT_TRUE(eventually([&] { return done.load(); }));
  EXPECT_TRUE(polling.closed_by_server());
  EXPECT_EQ(written(), std::vector<bool>{false});
}

TEST_F(HttpServerTest, ListenReportsPortInUse) {
  const auto port = start();
  ServerOptions options;
  options.port = port;
  Server second(pool_, options, router_);
  auto endpoint = second.listen();
  ASSERT_FALSE(endpoint.ok());
  EXPECT_NE(endpoint.error().message.find("in use"), std::string::npos) << endpoint.error().message;
}

}  // namespace
}  // namespace herald::http
