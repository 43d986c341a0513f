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
  std::size_t max_header_bytes = 16 * 1024;        // beyond: 431
  std::size_t max_body_bytes = 10 * 1024 * 1024;   // beyond: 413 (Content-Length checked up front)
  std::chrono::milliseconds read_timeout{30'000};  // a started request must arrive whole within this
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection idle between requests
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 10'000;  // beyond: the new socket is closed at once
  TlsOptions tls;
  // Builds the error replies the server produces itself (404 no route, 405, 400 unparsable, 413,
  // 431, 500 when a handler threw). Empty: default_error_response (error_response.h).
  std::function<Response(unsigned status, std::string_view detail)> error_response;
};

// Called after every request, on the connection's strand; must not block.
using RequestObserver = std::function<void(const Request&, const Response&, std::chrono::microseconds elapsed)>;

}  // namespace herald::http
