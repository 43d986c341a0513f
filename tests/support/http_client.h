#pragma once
// A small blocking HTTP/1.1 client for tests: real sockets, keep-alive, http:// or https://
// (TLS without certificate verification, as the agent's default verification_mode none).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace herald::test {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  // base_url: "http://127.0.0.1:PORT". Connects lazily and keeps the connection alive.
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;

  // Sends a request and returns the response. Throws std::runtime_error on transport errors.
  HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
                     const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Convenience: a request authenticated with `auth_header` (e.g. "Bearer x" or "Basic y").
  void set_authorization(std::string value) { authorization_ = std::move(value); }
  HttpResult get(const std::string& target) { return request("GET", target); }
  HttpResult post(const std::string& target, const std::string& body,
                  const std::string& content_type = "application/json") {
    return request("POST", target, body, {{"Content-Type", content_type}});
  }
  HttpResult put(const std::string& target, const std::string& body = "") { return request("PUT", target, body); }
  HttpResult del(const std::string& target) { return request("DELETE", target); }

  // Closes the kept-alive connection; the next request opens a new one.
  void disconnect();
  // Sends raw bytes on a new connection and returns whatever the server answered (until close).
  static std::string raw_exchange(const std::string& base_url, const std::string& bytes);

 private:
  struct Connection;
  std::string host_;
  std::string port_;
  std::string authorization_;
  bool tls_ = false;
  std::unique_ptr<Connection> connection_;
};

std::string basic_authorization(const std::string& user, const std::string& password);

// The value of the Prometheus sample `sample` ("name{labels}") on a node's /metrics, or -1 when absent.
double metric_value(const std::string& management_url, const std::string& sample);

}  // namespace herald::test
