#pragma once
// Configuration of one HTTP listener. Plain data: app/ fills it from the YAML config.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace herald::http {

struct TlsOptions {
  bool enabled = false;
  // PEM files. When enabled and both are empty, a self-signed pair is generated into
  // generate_dir/tls-cert.pem + generate_dir/tls-key.pem (key mode 0600) on first start and reused
  // afterwards; with generate_dir empty too, the pair lives in memory only.
  std::string cert_file, key_file;
  std::string generate_dir;
};

struct ServerOptions {
  std::string name = "http";  // for logs: "management", "comms"
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;                          // 0 = pick a free port
  std::size_t max_header_bytes = 16 * 1024;       // beyond: 431
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // a route's default; beyond: 413 before the body is read
  // A request's headers must arrive within header_timeout of its first byte (and a new
  // connection's first request within it too): beyond, 408 and close (slowloris).
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};  // the body, once the headers are in
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection idle between requests
  std::chrono::milliseconds write_timeout{30'000};
  // At either limit a new connection first sheds the oldest connection that has not yet sent a
  // whole request header (idle or slow), of the same address or of any; the new one is closed
  // only when no such connection exists.
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_address = 2'000;
  // Bodies of open routes (no guard) are read before anyone is authenticated: their bytes in
  // flight are bounded per listener and per source address; beyond, 503 with Retry-After.
  std::size_t max_unauthenticated_body_bytes = 8 * 1024 * 1024;
  std::size_t max_unauthenticated_body_bytes_per_address = 1024 * 1024;
  TlsOptions tls;
  // Builds the error replies the server produces itself (404 no route, 405, 400 unparsable, 413,
  // 431, 500 when a handler threw). Empty: default_error_response (error_response.h).
  std::function<Response(unsigned status, std::string_view detail)> error_response;
};

// Called after every request, on the connection's thread; must not block.
using RequestObserver = std::function<void(const Request&, const Response&, std::chrono::microseconds elapsed)>;

}  // namespace herald::http
