#pragma once
// A small synchronous HTTP/1.1 client for the CLIs: one kept-alive connection to one server,
// http or https, every step bounded by a timeout. Not thread-safe: one connection, one caller.
#include <chrono>
#include <memory>
#include <string>

#include "cli/server_url.h"

namespace herald::cli {

struct TlsOptions {
  bool verify = true;   // check the certificate chain and the host name
  std::string ca_file;  // PEM trust anchors; empty: the system's default store
};

struct Timeouts {
  std::chrono::seconds connect{10};  // resolve + TCP connect + TLS handshake
  std::chrono::seconds io{120};      // writing a request and reading its whole response
};

struct HttpRequest {
  std::string method = "GET";
  std::string target;  // origin-form, e.g. "/agents?limit=10"
  std::string body;
  std::string content_type;   // sent only with a body
  std::string authorization;  // the whole header value; empty: none
};

struct HttpResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

class HttpConnection {
 public:
  HttpConnection(ServerUrl server, TlsOptions tls, Timeouts timeouts = {});
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `request` and returns the response, whatever its status. Connects on first use and
  // keeps the connection open while the server allows. Throws Failure(failure) when the server
  // cannot be reached, TLS fails, or a timeout passes. A request that found its kept-alive
  // connection closed by the server is resent once on a new one if it is idempotent; a POST
  // instead gets a fresh connection up front when the old one has been idle, so it is never sent
  // twice.
  HttpResponse send(const HttpRequest& request);

  const ServerUrl& server() const { return server_; }

 private:
  struct Stream;
  void connect();
  std::string describe() const;

  ServerUrl server_;
  TlsOptions tls_;
  Timeouts timeouts_;
  std::unique_ptr<Stream> stream_;
};

}  // namespace herald::cli
