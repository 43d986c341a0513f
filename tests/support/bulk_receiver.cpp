#include "support/bulk_receiver.h"

#include <fcntl.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "support/ports.h"

namespace herald::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using asio::awaitable;
using asio::ip::tcp;

struct BulkReceiver::State {
  mutable std::mutex mutex;
  std::vector<ReceivedRequest> requests;
  std::vector<std::string> documents;
  std::vector<std::string> actions;
  int refuse = 0;
  std::string fail_marker;
  unsigned fail_status = 0;
  bool hooks = false;
  std::shared_ptr<asio::ssl::context> tls;
  // Touched on the io thread only: what stop() closes, so that every coroutine ends and the port
  // is free for the next start().
  tcp::acceptor* acceptor = nullptr;
  std::set<tcp::socket*> sockets;

  // The reply to one request, as an indexer would give it; records what was indexed.
  bhttp::response<bhttp::string_body> answer(const bhttp::request<bhttp::string_body>& request) {
    ReceivedRequest received;
    received.method = std::string(request.method_string());
    received.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      received.headers[name] = std::string(field.value());
    }
    received.body = request.body();
    std::lock_guard lock(mutex);
    requests.push_back(received);
    bhttp::response<bhttp::string_body> response{bhttp::status::ok, request.version()};
    response.set(bhttp::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    if (refuse > 0) {
      --refuse;
      response.result(bhttp::status::too_many_requests);
      response.body() = R"({"error":{"type":"es_rejected_execution_exception"},"status":429})";
      response.prepare_payload();
      return response;
    }
    if (hooks && received.method == "POST" && received.target != "/_bulk") {
      response.set(bhttp::field::content_type, "text/plain");
      response.body() = "ok";
      response.prepare_payload();
      return response;
    }
    if (received.method != "POST" || received.target != "/_bulk") {
      response.result(bhttp::status::not_found);
      response.body() = R"({"error":"no handler","status":404})";
      response.prepare_payload();
      return response;
    }
    json::array items;
    bool errors = false;
    bool marker_hit = false;
    const std::string& body = received.body;
    std::size_t at = 0;
    while (at < body.size()) {
      const auto action_end = body.find('\n', at);
      if (action_end == std::string::npos) break;
      const auto document_end = body.find('\n', action_end + 1);
      if (document_end == std::string::npos) break;
      std::string action = body.substr(at, action_end - at);
      std::string document = body.substr(action_end + 1, document_end - action_end - 1);
      at = document_end + 1;
      unsigned status = 201;
      if (!fail_marker.empty() && document.find(fail_marker) != std::string::npos) {
        status = fail_status;
        marker_hit = true;
      }
      json::object result{{"status", status}};
      if (status != 201) {
        errors = true;
        result["error"] =
            json::object{{"type", status == 429 ? "es_rejected_execution_exception" : "mapper_parsing_exception"},
                         {"reason", "refused by the test"}};
      } else {
        actions.push_back(std::move(action));
        documents.push_back(std::move(document));
      }
      items.push_back(json::object{{"index", std::move(result)}});
    }
    if (marker_hit) fail_marker.clear();
    response.body() = json::serialize(json::object{{"took", 1}, {"errors", errors}, {"items", std::move(items)}});
    response.prepare_payload();
    return response;
  }
};

namespace {

template <class Stream>
awaitable<void> serve(Stream& stream, std::shared_ptr<BulkReceiver::State> state) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(256ull << 20);
    co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
    auto response = state->answer(parser.get());
    const bool keep = response.keep_alive();
    co_await bhttp::async_write(stream, response, asio::use_awaitable);
    if (!keep) co_return;
  }
}

// Registers a socket for stop() while it lives.
struct Registered {
  Registered(BulkReceiver::State& state, tcp::socket& socket) : state(state), socket(&socket) {
    state.sockets.insert(&socket);
  }
  ~Registered() { state.sockets.erase(socket); }
  BulkReceiver::State& state;
  tcp::socket* socket;
};

awaitable<void> session(tcp::socket socket, std::shared_ptr<BulkReceiver::State> state) {
  try {
    if (state->tls) {
      asio::ssl::stream<tcp::socket> stream(std::move(socket), *state->tls);
      Registered registered(*state, stream.next_layer());
      co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
      co_await serve(stream, state);
    } else {
      Registered registered(*state, socket);
      co_await serve(socket, state);
    }
  } catch (const std::exception&) {
    // The client went away (or the handshake failed, or stop()): nothing to record.
  }
}

awaitable<void> accept_loop(std::shared_ptr<tcp::acceptor> acceptor, std::shared_ptr<BulkReceiver::State> state) {
  state->acceptor = acceptor.get();
  try {
    for (;;) {
      auto socket = co_await acceptor->async_accept(asio::use_awaitable);
      asio::co_spawn(acceptor->get_executor(), session(std::move(socket), state), asio::detached);
    }
  } catch (const std::exception&) {
    // stop() closed the listener.
  }
  state->acceptor = nullptr;
}

}  // namespace

BulkReceiver::BulkReceiver(std::string cert_file, std::string key_file)
    : state_(std::make_shared<State>()),
      cert_file_(std::move(cert_file)),
      key_file_(std::move(key_file)),
      port_(free_loopback_port()) {
  if (!cert_file_.empty()) {
    state_->tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    state_->tls->use_certificate_chain_file(cert_file_);
    state_->tls->use_private_key_file(key_file_, asio::ssl::context::pem);
  }
}

BulkReceiver::~BulkReceiver() {
  stop();
}

void BulkReceiver::start() {
  stop();
  io_ = std::make_unique<asio::io_context>(1);
  auto acceptor = std::make_shared<tcp::acceptor>(*io_);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_));
  acceptor->open(endpoint.protocol());
  // Not inherited by the heraldd the test forks next: it would keep the port listening after stop().
  ::fcntl(acceptor->native_handle(), F_SETFD, FD_CLOEXEC);
  acceptor->set_option(tcp::acceptor::reuse_address(true));
  acceptor->bind(endpoint);
  acceptor->listen();
  asio::co_spawn(*io_, accept_loop(acceptor, state_), asio::detached);
  thread_ = std::thread([io = io_.get()] {
    try {
      io->run();
    } catch (...) {
    }
  });
}

void BulkReceiver::stop() {
  if (!io_) return;
  // Close everything on the io thread; run() returns once every coroutine has ended.
  asio::post(*io_, [state = state_] {
    boost::system::error_code ignored;
    if (state->acceptor) state->acceptor->close(ignored);
    for (auto* socket : state->sockets) socket->close(ignored);
  });
  if (thread_.joinable()) thread_.join();
  io_.reset();
}

std::string BulkReceiver::url() const {
  return std::string(cert_file_.empty() ? "http" : "https") + "://127.0.0.1:" + std::to_string(port_);
}

void BulkReceiver::refuse_next_requests(int count) {
  std::lock_guard lock(state_->mutex);
  state_->refuse = count;
}

void BulkReceiver::accept_hooks() {
  std::lock_guard lock(state_->mutex);
  state_->hooks = true;
}

void BulkReceiver::fail_items_once(std::string marker, unsigned status) {
  std::lock_guard lock(state_->mutex);
  state_->fail_marker = std::move(marker);
  state_->fail_status = status;
}

std::vector<ReceivedRequest> BulkReceiver::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

std::vector<std::string> BulkReceiver::indexed_documents() const {
  std::lock_guard lock(state_->mutex);
  return state_->documents;
}

std::vector<std::string> BulkReceiver::indexed_actions() const {
  std::lock_guard lock(state_->mutex);
  return state_->actions;
}

}  // namespace herald::test
