#include "api_client.h"

#include <boost/json.hpp>

#include <stdexcept>

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;

namespace {
// Replace tokens well before their 900 s lifetime ends, so a request never carries an expired one.
constexpr std::chrono::seconds kTokenRefreshAge{600};
}  // namespace

std::string base64_encode(std::string_view input) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((input.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < input.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(input[i]) << 16) | (static_cast<unsigned char>(input[i + 1]) << 8) |
                       static_cast<unsigned char>(input[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (const auto rest = input.size() - i; rest > 0) {
    unsigned v = static_cast<unsigned char>(input[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(input[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Credentials::Credentials(std::string user, std::string password)
    : user_(std::move(user)), password_(std::move(password)) {}

bool Credentials::stale() const {
  return authorization_.empty() || std::chrono::steady_clock::now() - obtained_at_ > kTokenRefreshAge;
}

awaitable<void> Credentials::login(HttpConnection& connection) {
  // Other coroutines keep using the current token (still valid) while one of them refreshes it.
  if (login_in_flight_ && !authorization_.empty()) co_return;
  login_in_flight_ = true;
  HttpRequest request;
  request.method = verb::post;
  request.target = "/security/user/authenticate";
  request.authorization = "Basic " + base64_encode(user_ + ":" + password_);
  HttpReply reply;
  try {
    reply = co_await connection.send(request);
  } catch (...) {
    login_in_flight_ = false;
    throw;
  }
  login_in_flight_ = false;
  if (reply.status != 200) {
    throw std::runtime_error("login as '" + user_ + "' failed: HTTP " + std::to_string(reply.status) + " " + reply.body);
  }
  auto body = json::parse(reply.body);
  const auto* token = body.as_object().at("data").as_object().if_contains("token");
  if (token == nullptr || !token->is_string()) throw std::runtime_error("login reply has no token: " + reply.body);
  authorization_ = "Bearer " + std::string(token->get_string());
  obtained_at_ = std::chrono::steady_clock::now();
}

ApiClient::ApiClient(boost::asio::any_io_executor executor, const Endpoint& endpoint, Credentials& credentials)
    : connection_(std::move(executor), endpoint), credentials_(credentials) {}

awaitable<HttpReply> ApiClient::call(verb method, std::string_view target, std::string_view body) {
  if (credentials_.stale()) co_await credentials_.login(connection_);
  HttpRequest request;
  request.method = method;
  request.target = std::string(target);
  request.body = std::string(body);
  if (!body.empty()) request.content_type = "application/json";
  request.authorization = credentials_.authorization();
  auto reply = co_await connection_.send(request);
  if (reply.status == 401) {
    co_await credentials_.login(connection_);
    request.authorization = credentials_.authorization();
    reply = co_await connection_.send(request);
  }
  co_return reply;
}

}  // namespace herald::bench
