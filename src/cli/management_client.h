#pragma once
// A session with heraldd's Management API: logs in once with Basic credentials
// (POST /security/user/authenticate), then sends `Authorization: Bearer <token>` on every request,
// logging in again if the token expires mid-run (orders watch can outlive it).
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "cli/connection_settings.h"
#include "cli/http_connection.h"
#include "cli/server_url.h"

namespace herald::cli {

class ManagementClient {
 public:
  // Throws Failure(bad_arguments) when settings.url is not a valid server URL.
  explicit ManagementClient(const ConnectionSettings& settings, Timeouts timeouts = {});

  // Each sends one request to base URL + `path` and returns the parsed JSON body (null for an
  // empty body). Throws Failure(failure) on a transport error, on 401 at login ("authentication
  // failed ..."), on any non-2xx reply (with the server's message, see api_errors.h) and on a
  // 2xx body that is not JSON.
  boost::json::value get(std::string_view path, const QueryParams& params = {});
  boost::json::value post(std::string_view path, const std::string& body);
  boost::json::value put(std::string_view path, const std::string& body = "");
  boost::json::value del(std::string_view path);
  // GET without credentials, for /health.
  boost::json::value get_public(std::string_view path);

  const ServerUrl& server() const { return connection_.server(); }

 private:
  boost::json::value call(const std::string& method, const std::string& target, const std::string& body,
                          bool authenticated);
  void login();

  ConnectionSettings settings_;
  HttpConnection connection_;
  std::string token_;
};

}  // namespace herald::cli
