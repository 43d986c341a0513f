#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <stdexcept>

#include "auth/secrets.h"

namespace herald::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {
std::pair<std::string, std::string> split_url(const std::string& url) {
  auto rest = url.substr(url.find("://") + 3);
  auto slash = rest.find('/');
  if (slash != std::string::npos) rest = rest.substr(0, slash);
  auto colon = rest.rfind(':');
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}
}  // namespace

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// Plain TCP, or TLS without certificate verification (test servers use self-signed pairs).
struct HttpClient::Connection {
  explicit Connection(bool tls) {
    if (tls) {
      ssl.emplace(asio::ssl::context::tls_client);
      ssl->set_verify_mode(asio::ssl::verify_none);
      tls_stream.emplace(io, *ssl);
    }
  }
  asio::io_context io;
  std::optional<asio::ssl::context> ssl;
  beast::tcp_stream stream{io};
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream;
  beast::flat_buffer buffer;

  void connect(const tcp::resolver::results_type& endpoints) {
    if (tls_stream) {
      beast::get_lowest_layer(*tls_stream).connect(endpoints);
      tls_stream->handshake(asio::ssl::stream_base::client);
    } else {
      stream.connect(endpoints);
    }
  }
  template <class Message>
  void write(Message& message, beast::error_code& ec) {
    if (tls_stream) {
      beast::http::write(*tls_stream, message, ec);
    } else {
      beast::http::write(stream, message, ec);
    }
  }
  template <class Parser>
  void read(Parser& parser, beast::error_code& ec) {
    if (tls_stream) {
      beast::http::read(*tls_stream, buffer, parser, ec);
    } else {
      beast::http::read(stream, buffer, parser, ec);
    }
  }
};

HttpClient::HttpClient(std::string base_url) {
  auto [host, port] = split_url(base_url);
  host_ = host;
  port_ = port;
  tls_ = base_url.rfind("https://", 0) == 0;
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection_) {
      connection_ = std::make_unique<Connection>(tls_);
      tcp::resolver resolver(connection_->io);
      connection_->connect(resolver.resolve(host_, port_));
    }
    beast::http::request<beast::http::string_body> req(beast::http::string_to_verb(method), target, 11);
    req.set(beast::http::field::host, host_);
    if (!authorization_.empty()) req.set(beast::http::field::authorization, authorization_);
    for (const auto& [name, value] : headers) req.set(name, value);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    connection_->write(req, ec);
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(1024 * 1024 * 1024);
    if (!ec) connection_->read(parser, ec);
    if (ec) {
      connection_.reset();  // the server closed a kept-alive connection: retry once on a new one
      if (attempt == 0 && (ec == beast::http::error::end_of_stream || ec == asio::error::connection_reset ||
                           ec == asio::error::broken_pipe || ec == asio::error::eof ||
                           ec == asio::ssl::error::stream_truncated)) {
        continue;
      }
      throw std::runtime_error("HTTP " + method + " " + target + ": " + ec.message());
    }
    auto response = parser.release();
    HttpResult result;
    result.status = response.result_int();
    result.body = response.body();
    for (const auto& field : response) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      result.headers[name] = std::string(field.value());
    }
    if (!response.keep_alive()) connection_.reset();
    return result;
  }
  throw std::runtime_error("unreachable");
}

void HttpClient::disconnect() { connection_.reset(); }

std::string HttpClient::raw_exchange(const std::string& base_url, const std::string& bytes) {
  auto [host, port] = split_url(base_url);
  asio::io_context io;
  tcp::socket socket(io);
  tcp::resolver resolver(io);
  asio::connect(socket, resolver.resolve(host, port));
  asio::write(socket, asio::buffer(bytes));
  socket.shutdown(tcp::socket::shutdown_send);
  std::string answer;
  beast::error_code ec;
  char chunk[4096];
  for (;;) {
    auto n = socket.read_some(asio::buffer(chunk), ec);
    answer.append(chunk, n);
    if (ec) break;
  }
  return answer;
}

std::string basic_authorization(const std::string& user, const std::string& password) {
  return "Basic " + auth::base64_encode(user + ":" + password);
}

double metric_value(const std::string& management_url, const std::string& sample) {
  HttpClient client(management_url);
  auto text = "\n" + client.get("/metrics").body;
  auto at = text.find("\n" + sample + " ");
  if (at == std::string::npos) return -1;
  auto end = text.find('\n', at + 1);
  return std::stod(text.substr(at + sample.size() + 2, end - at - sample.size() - 2));
}

}  // namespace herald::test
