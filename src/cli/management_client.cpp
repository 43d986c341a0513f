#include "cli/management_client.h"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>

#include "cli/api_errors.h"
#include "cli/failure.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

std::string basic_authorization(const std::string& user, const std::string& password) {
  namespace base64 = boost::beast::detail::base64;
  std::string plain = user + ":" + password;
  std::string encoded(base64::encoded_size(plain.size()), '\0');
  encoded.resize(base64::encode(encoded.data(), plain.data(), plain.size()));
  return "Basic " + encoded;
}

json::value parse_body(const HttpResponse& response, const std::string& what) {
  if (response.body.empty()) return nullptr;
  json::error_code ec;
  auto body = json::parse(response.body, ec);
  if (ec) throw server_failure(what + ": the server's reply is not JSON");
  return body;
}

}  // namespace

ManagementClient::ManagementClient(const ConnectionSettings& settings, Timeouts timeouts)
    : settings_(settings),
      connection_(parse_server_url(settings.url), TlsOptions{!settings.insecure, settings.ca_file}, timeouts) {}

void ManagementClient::login() {
  HttpRequest request;
  request.method = "POST";
  request.target = request_target(connection_.server(), "/security/user/authenticate");
  request.authorization = basic_authorization(settings_.user, settings_.password);
  auto response = connection_.send(request);
  if (response.status == 401) {
    throw server_failure("authentication failed for user '" + settings_.user + "': " + error_message(response));
  }
  if (response.status / 100 != 2) throw server_failure("login failed: " + error_message(response));
  auto body = parse_body(response, "login");
  const json::value* token = nullptr;
  if (body.is_object()) {
    if (const auto* data = body.get_object().if_contains("data"); data && data->is_object()) {
      token = data->get_object().if_contains("token");
    }
  }
  if (token == nullptr || !token->is_string()) throw server_failure("login failed: the reply carries no token");
  token_ = std::string(token->get_string());
}

json::value ManagementClient::call(const std::string& method, const std::string& target, const std::string& body,
                                   bool authenticated) {
  bool fresh_token = false;
  if (authenticated && token_.empty()) {
    login();
    fresh_token = true;
  }
  HttpRequest request{method, target, body, body.empty() ? "" : "application/json", ""};
  if (authenticated) request.authorization = "Bearer " + token_;
  auto response = connection_.send(request);
  if (response.status == 401 && authenticated && !fresh_token) {
    // The token expired during a long run: log in again once.
    login();
    request.authorization = "Bearer " + token_;
    response = connection_.send(request);
  }
  if (response.status == 401) throw server_failure("authentication failed: " + error_message(response));
  if (response.status / 100 != 2) throw server_failure(error_message(response));
  return parse_body(response, method + " " + target);
}

json::value ManagementClient::get(std::string_view path, const QueryParams& params) {
  return call("GET", request_target(connection_.server(), path, params), "", true);
}

json::value ManagementClient::post(std::string_view path, const std::string& body) {
  return call("POST", request_target(connection_.server(), path), body, true);
}

json::value ManagementClient::put(std::string_view path, const std::string& body) {
  return call("PUT", request_target(connection_.server(), path), body, true);
}

json::value ManagementClient::del(std::string_view path) {
  return call("DELETE", request_target(connection_.server(), path), "", true);
}

json::value ManagementClient::get_public(std::string_view path) {
  return call("GET", request_target(connection_.server(), path), "", false);
}

}  // namespace herald::cli
