// The Management API as the bench uses it: a keep-alive connection plus a JWT shared by every
// connection of the run, refreshed before it expires.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "http_client.h"

namespace herald::bench {

// Login state shared by all ApiClients of a run. Not thread-safe: the bench runs one io thread.
class Credentials {
 public:
  Credentials(std::string user, std::string password);

  // The Authorization header value to use now (empty before the first login).
  const std::string& authorization() const { return authorization_; }
  // True when no token is held or it is old enough that it should be replaced (tokens last 900 s).
  bool stale() const;
  // Logs in over `connection`; throws std::runtime_error when the server refuses.
  boost::asio::awaitable<void> login(HttpConnection& connection);

 private:
  std::string user_;
  std::string password_;
  std::string authorization_;
  std::chrono::steady_clock::time_point obtained_at_{};
  bool login_in_flight_ = false;
};

class ApiClient {
 public:
  ApiClient(boost::asio::any_io_executor executor, const Endpoint& endpoint, Credentials& credentials);

  // One authenticated request (JSON body when `body` is not empty). Logs in first when the token
  // is stale, and once more if the server answers 401. Network failures throw (see HttpConnection).
  // `target` and `body` must stay alive until the awaitable completes.
  boost::asio::awaitable<HttpReply> call(boost::beast::http::verb method, std::string_view target,
                                         std::string_view body = {});

  HttpConnection& connection() { return connection_; }

 private:
  HttpConnection connection_;
  Credentials& credentials_;
};

std::string base64_encode(std::string_view input);

}  // namespace herald::bench
