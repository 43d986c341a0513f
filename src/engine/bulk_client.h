#pragma once
// One indexer node, as the forwarder's sender thread talks to it: HTTP/1.1 with keep-alive over
// TCP, or TLS (1.2 or newer) verified against a CA file, the node's host name checked against its
// certificate. Synchronous to its caller; every network step has a deadline.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace herald::engine {

struct IndexerUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string text;  // as configured, for log lines
};

// "http://host:port" or "https://host:port" (an optional trailing '/'). Errors: invalid_argument.
core::Result<IndexerUrl> parse_indexer_url(std::string_view url);

// An endpoint URL with a path, as a hook URL: "http(s)://host[:port]/path?query" (port 80/443 by
// default). Its `text` is scheme://host:port only: the path of a hook URL is a secret.
// Errors: invalid_argument (the message does not repeat the URL).
struct EndpointUrl {
  IndexerUrl server;
  std::string target;  // "/..." ("/" when the URL has none)
};
core::Result<EndpointUrl> parse_endpoint_url(std::string_view url);

// A client TLS context that verifies peers against `ca_file` (PEM), or against the system's
// default paths when it is empty. Errors: invalid_argument when the file does not load.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(const std::string& ca_file);

struct BulkReply {
  unsigned status = 0;
  std::string body;
};

// Not thread-safe: one thread (the sender's) uses a client, with its own io_context.
class BulkClient {
 public:
  // `tls` is required for an https URL.
  BulkClient(IndexerUrl url, std::shared_ptr<boost::asio::ssl::context> tls, std::string authorization,
             std::chrono::milliseconds timeout);
  ~BulkClient();
  BulkClient(const BulkClient&) = delete;
  BulkClient& operator=(const BulkClient&) = delete;

  // POSTs `body` to `target` as `content_type` and reads the whole reply (up to 64 MiB).
  // Connects (and shakes hands) when needed; a kept-alive connection that the node closed while
  // idle is replaced once. Errors: unavailable(<url>: <reason>) on any network or TLS failure (the
  // connection is then closed).
  core::Result<BulkReply> post(const std::string& target, const std::string& body,
                               const std::string& content_type = "application/x-ndjson");

  // Makes a post() in flight return (unavailable) soon. Safe to call from any thread.
  void interrupt();

  const IndexerUrl& url() const { return url_; }

 private:
  struct Connection;

  IndexerUrl url_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::string authorization_;  // the whole header value; never logged
  std::chrono::milliseconds timeout_;
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace herald::engine
