// TLS: a round trip through a Server with a generated self-signed certificate, and its reuse.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "http/self_signed_cert.h"
#include "http/server.h"

namespace herald::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// One HTTPS GET with certificate verification off (the certificate is self-signed); the whole
// exchange is bounded by the stream's timeout. Returns the body, or the error text.
std::string https_get(std::uint16_t port, const std::string& target) {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::flat_buffer buffer;
  bhttp::request<bhttp::string_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "localhost");
  bhttp::response<bhttp::string_body> response;
  boost::system::error_code error;

  beast::get_lowest_layer(stream).expires_after(5s);
  beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), [&](boost::system::error_code ec) {
        if ((error = ec)) return;
        stream.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code ec) {
          if ((error = ec)) return;
          bhttp::async_write(stream, request, [&](boost::system::error_code ec, std::size_t) {
            if ((error = ec)) return;
            bhttp::async_read(stream, buffer, response, [&](boost::system::error_code ec, std::size_t) { error = ec; });
          });
        });
      });
  io.run();
  return error ? "error: " + error.message() : response.body();
}

class HttpTlsTest : public ::testing::Test {
 protected:
  HttpTlsTest() {
    router_.add(Method::get, "/hello", [](Request& request) -> asio::awaitable<Response> {
      Response response;
      response.body = "hello over tls from " + request.remote_address;
      co_return response;
    });
    dir_ = std::filesystem::temp_directory_path() /
           ("herald-http-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    pool_.start();
  }

  ~HttpTlsTest() override {
    pool_.stop();
    pool_.join();
    std::filesystem::remove_all(dir_);
  }

  ServerOptions tls_options() const {
    ServerOptions options;
    options.tls.enabled = true;
    options.tls.generate_dir = dir_.string();
    return options;
  }

  Router router_;
  IoPool pool_{2};
  std::filesystem::path dir_;
};

TEST_F(HttpTlsTest, RoundTripWithGeneratedSelfSignedCertificate) {
  std::string first_cert;
  {
    Server server(pool_, tls_options(), router_);
    auto endpoint = server.listen();
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
    server.start();
    EXPECT_EQ(https_get(endpoint->port(), "/hello"), "hello over tls from 127.0.0.1");

    const auto key_path = dir_ / "tls-key.pem";
    ASSERT_TRUE(std::filesystem::exists(key_path));
    EXPECT_EQ(std::filesystem::status(key_path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    first_cert = read_file(dir_ / "tls-cert.pem");
    EXPECT_NE(first_cert.find("BEGIN CERTIFICATE"), std::string::npos);
  }

  // A restart reuses the stored pair instead of generating a new one.
  Server again(pool_, tls_options(), router_);
  auto endpoint = again.listen();
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  again.start();
  EXPECT_EQ(https_get(endpoint->port(), "/hello"), "hello over tls from 127.0.0.1");
  EXPECT_EQ(read_file(dir_ / "tls-cert.pem"), first_cert);
}

TEST_F(HttpTlsTest, UsesCertificateAndKeyFiles) {
  auto pair = load_or_generate_self_signed_pair(dir_.string());
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  ServerOptions options;
  options.tls.enabled = true;
  options.tls.cert_file = (dir_ / "tls-cert.pem").string();
  options.tls.key_file = (dir_ / "tls-key.pem").string();
  Server server(pool_, options, router_);
  auto endpoint = server.listen();
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  server.start();
  EXPECT_EQ(https_get(endpoint->port(), "/hello"), "hello over tls from 127.0.0.1");
}

TEST_F(HttpTlsTest, MissingCertificateFileIsAListenError) {
  ServerOptions options;
  options.tls.enabled = true;
  options.tls.cert_file = (dir_ / "absent-cert.pem").string();
  options.tls.key_file = (dir_ / "absent-key.pem").string();
  Server server(pool_, options, router_);
  auto endpoint = server.listen();
  ASSERT_FALSE(endpoint.ok());
  EXPECT_NE(endpoint.error().message.find("absent-cert.pem"), std::string::npos) << endpoint.error().message;
}

TEST_F(HttpTlsTest, PlainHttpOnTlsPortIsDropped) {
  Server server(pool_, tls_options(), router_);
  auto endpoint = server.listen();
  ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
  server.start();
  // A failed handshake only closes that connection; the next TLS client is served.
  {
    asio::io_context io;
    beast::tcp_stream plain(io);
    plain.connect(*endpoint);
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, "/hello", 11};
    bhttp::write(plain, request);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    boost::system::error_code ec;
    plain.expires_after(5s);
    bhttp::async_read(plain, buffer, response, [&](boost::system::error_code e, std::size_t) { ec = e; });
    io.run();
    EXPECT_TRUE(ec);
  }
  EXPECT_EQ(https_get(endpoint->port(), "/hello"), "hello over tls from 127.0.0.1");
}

}  // namespace
}  // namespace herald::http
