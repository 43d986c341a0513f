#include "legacy/enrollment_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include "http/tls_context.h"
#include "legacy/peer_address.h"
#include "legacy/wire/enrollment_request.h"

namespace herald::legacy {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// authd reads one request of at most 65536 + 4096 bytes.
constexpr std::size_t kMaxRequestBytes = 65536 + 4096;
constexpr std::size_t kMaxConcurrentRequests = 1024;

// check_x509_cert(ssl, source ip): the certificate's SAN IP, or else its subject CN, must be the
// agent's address.
bool certificate_names_address(SSL* ssl, const std::string& address) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return false;
  bool matches = X509_check_ip_asc(cert, address.c_str(), 0) == 1;
  if (!matches) {
    char common_name[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, common_name, sizeof common_name) > 0) {
      matches = address == common_name;
    }
  }
  X509_free(cert);
  return matches;
}

}  // namespace

struct EnrollmentServer::State : std::enable_shared_from_this<EnrollmentServer::State> {
  State(asio::io_context& io_context, const EnrollmentOptions& opts, EnrollmentService& svc, engine::BlockingPool& p,
        core::MetricsRegistry& m, EnrollmentServer::Decided on_decided)
      : io(io_context), options(opts), service(svc), pool(p), metrics(m), decided(std::move(on_decided)),
        acceptor(io_context) {}

  asio::io_context& io;
  const EnrollmentOptions& options;
  EnrollmentService& service;
  engine::BlockingPool& pool;
  core::MetricsRegistry& metrics;
  EnrollmentServer::Decided decided;
  tcp::acceptor acceptor;
  std::shared_ptr<ssl::context> tls;
  std::atomic<std::size_t> in_progress{0};
  std::atomic<bool> stopped{false};

  void count(const std::string& outcome) {
    metrics.counter("herald_legacy_enrollments_total", "Wazuh 4.x enrollment requests, by outcome", {"outcome"}, {outcome})
        .inc();
  }

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket);
  asio::awaitable<std::string> read_request(ssl::stream<tcp::socket>& stream);
};

EnrollmentServer::EnrollmentServer(asio::io_context& io, const EnrollmentOptions& options, EnrollmentService& service,
                                   engine::BlockingPool& pool, core::MetricsRegistry& metrics,
                                   Decided decided)
    : state_(std::make_shared<State>(io, options, service, pool, metrics, std::move(decided))) {}

EnrollmentServer::~EnrollmentServer() { stop(); }

core::Result<tcp::endpoint> EnrollmentServer::listen() {
  auto& s = *state_;
  http::TlsOptions tls;
  tls.enabled = true;
  tls.cert_file = s.options.cert_file;
  tls.key_file = s.options.key_file;
  tls.generate_dir = s.options.generate_dir;
  auto context = http::detail::make_tls_context(tls);
  if (!context) return context.error();
  s.tls = *context;
  if (!s.options.agent_ca.empty()) {
    boost::system::error_code ec;
    s.tls->load_verify_file(s.options.agent_ca, ec);
    if (ec) return core::invalid_argument("legacy.enrollment.agent_ca " + s.options.agent_ca + ": " + ec.message());
    s.tls->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  try {
    tcp::endpoint endpoint(asio::ip::make_address(s.options.host), s.options.port);
    s.acceptor.open(endpoint.protocol());
    s.acceptor.set_option(tcp::acceptor::reuse_address(true));
    s.acceptor.bind(endpoint);
    s.acceptor.listen();
    return s.acceptor.local_endpoint();
  } catch (const boost::system::system_error& e) {
    return core::unavailable(e.code().message());
  }
}

void EnrollmentServer::start() {
  asio::co_spawn(state_->acceptor.get_executor(), state_->accept_loop(), asio::detached);
}

void EnrollmentServer::stop() {
  auto state = state_;
  if (state->stopped.exchange(true)) return;
  asio::post(state->acceptor.get_executor(), [state] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
  });
}

asio::awaitable<void> EnrollmentServer::State::accept_loop() {
  auto self = shared_from_this();
  while (!stopped) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      if (stopped || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("legacy enrollment: accept failed: {}", ec.message());
      continue;
    }
    if (in_progress >= kMaxConcurrentRequests) {
      count("refused_busy");
      continue;  // closing the socket: the agent retries (it backs off by itself)
    }
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<std::string> EnrollmentServer::State::read_request(ssl::stream<tcp::socket>& stream) {
  // The agent writes its request in one go, ending with '\n'; read until that, the size limit,
  // or the end of the connection (the deadline closes a client that sends no newline).
  std::string request;
  char buffer[4096];
  while (request.size() < kMaxRequestBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    request.append(buffer, n);
    if (request.find('\n') != std::string::npos) break;
  }
  if (request.size() > kMaxRequestBytes) request.resize(kMaxRequestBytes);
  co_return request;
}

asio::awaitable<void> EnrollmentServer::State::serve(tcp::socket socket) {
  auto self = shared_from_this();
  ++in_progress;
  const std::string address = peer_address(socket);
  // Shared with the deadline's handler, which may run after this coroutine is gone.
  auto stream = std::make_shared<ssl::stream<tcp::socket>>(std::move(socket), *tls);
  // One deadline for the whole exchange: a silent or slow client is cut off.
  asio::steady_timer deadline(stream->get_executor());
  deadline.expires_after(options.timeout * 2);
  deadline.async_wait([stream](boost::system::error_code ec) {
    if (!ec) {
      boost::system::error_code ignored;
      stream->lowest_layer().close(ignored);
    }
  });
  auto [handshake_ec] = co_await stream->async_handshake(ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
  if (handshake_ec) {
    spdlog::info("legacy enrollment: TLS handshake with {} failed: {}", address, handshake_ec.message());
    count("tls_failed");
  } else if (!options.agent_ca.empty() && options.verify_host &&
             !certificate_names_address(stream->native_handle(), address)) {
    spdlog::warn("legacy enrollment: the certificate of {} does not name that address; refused", address);
    count("certificate_refused");
  } else {
    auto request = co_await read_request(*stream);
    if (request.empty()) {
      count("no_request");
    } else {
      auto decision = co_await pool.run([this, &request, &address] {
        auto decision_made = service.decide(request, address);
        if (decided) decided(decision_made, address);
        return decision_made;
      });
      if (decision.enrolled) {
        std::string replaced;
        for (const auto& id : decision.replaced_ids) replaced += (replaced.empty() ? " (replacing agent " : ", ") + id;
        spdlog::info("legacy enrollment: agent '{}' enrolled as {} from {}{}", decision.key->name, decision.key->id,
                     address, replaced.empty() ? replaced : replaced + ")");
        count("enrolled");
      } else {
        spdlog::info("legacy enrollment: request from {} refused: {}", address, decision.reply);
        count(decision.store_failed ? "store_failed" : "refused");
      }
      auto [write_ec, written] =
          co_await asio::async_write(*stream, asio::buffer(decision.reply), asio::as_tuple(asio::use_awaitable));
      if (!write_ec && !decision.enrolled) {
        co_await asio::async_write(*stream,
                                   asio::buffer(wire::kUnableToAddAgent.data(), wire::kUnableToAddAgent.size()),
                                   asio::as_tuple(asio::use_awaitable));
      }
      if (write_ec && decision.enrolled) {
        spdlog::warn("legacy enrollment: the key of agent {} could not be written to {}: {}", decision.key->id, address,
                     write_ec.message());
      }
      co_await stream->async_shutdown(asio::as_tuple(asio::use_awaitable));
    }
  }
  deadline.cancel();
  boost::system::error_code ignored;
  stream->lowest_layer().close(ignored);
  --in_progress;
}

}  // namespace herald::legacy
