// The bytes a client sends on a connection, read the way http/session.cpp reads them: Beast's
// request_parser with the session's header and body limits, fed in chunks of the size the first
// byte picks (as a socket would deliver them), header first and then the body (eager), EOF at the
// end of the input; then to_request and Router::match over Herald's route patterns, and the
// server's own error reply written with to_beast_response. Pipelined requests are read on while
// the previous one was keep-alive, as the session does.
// Invariants: no exception escapes; a converted request keeps its target; a matched route fills
// one non-empty parameter per capture; the reply Herald writes parses back as HTTP with the same
// status and body.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "http/beast_conversion.h"
#include "http/response_head.h"
#include "http/router.h"
#include "http/server_options.h"

namespace {

namespace bhttp = boost::beast::http;
using herald::http::Method;
using herald::http::Router;

// Every route Herald registers (src/api/*: grep "Method::"), so matching sees the real patterns.
const Router& herald_routes() {
  static const Router router = [] {
    Router r;
    const std::pair<Method, const char*> routes[] = {
        {Method::post, "/_plugins/_command_manager/commands"},
        {Method::post, "/security/user/authenticate"},
        {Method::post, "/agents"},
        {Method::get, "/agents"},
        {Method::get, "/agents/summary/status"},
        {Method::put, "/agents/{agent_id}/group/{group_id}"},
        {Method::del, "/agents/{agent_id}/group/{group_id}"},
        {Method::post, "/groups"},
        {Method::get, "/groups"},
        {Method::del, "/groups"},
        {Method::get, "/groups/{group_id}/agents"},
        {Method::put, "/groups/{group_id}/configuration"},
        {Method::get, "/groups/{group_id}/configuration"},
        {Method::get, "/orders"},
        {Method::get, "/orders/{order_id}"},
        {Method::post, "/orders/{order_id}/result"},
        {Method::get, "/api/v1/server/commands"},
        {Method::get, "/health"},
        {Method::get, "/metrics"},
        {Method::get, "/api/v1/"},
        {Method::post, "/api/v1/authentication"},
        {Method::get, "/api/v1/commands"},
        {Method::post, "/api/v1/events/stateful"},
        {Method::post, "/api/v1/events/stateless"},
        {Method::get, "/api/v1/files"},
    };
    // Never called: the target stops at routing.
    for (const auto& [method, pattern] : routes) r.add(method, pattern, herald::http::Handler{});
    return r;
  }();
  return router;
}

std::size_t captures_in(std::string_view pattern) {
  std::size_t count = 0;
  for (char c : pattern) count += c == '{';
  return count;
}

// The error reply the server writes itself (404/405), through Herald's conversion, serialized and
// read back.
void check_reply(unsigned status, const std::string& detail, unsigned version, bool keep_alive, bool head) {
  herald::http::Response response;
  response.status = status;
  response.body = R"({"error":)" + std::to_string(status) + R"(,"detail":")" + detail + "\"}";
  response.headers.emplace_back("X-Request-Path", "ignored");
  // Fuzzed text in a header: whatever it holds, it must not split the reply.
  response.headers.emplace_back("X-Detail", detail);
  response.headers.emplace_back(detail, "value");
  std::string wire;
  herald::http::detail::write_response_head(response, version, keep_alive, wire);
  if (herald::http::detail::sends_body(response, head)) wire += response.body;

  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(head);  // a reply to HEAD has Content-Length but no body
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(wire), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  FUZZ_CHECK(!ec && parser.is_done(), "Herald's reply parses back as HTTP");
  FUZZ_CHECK(parser.get().result_int() == status, "the reply keeps its status");
  FUZZ_CHECK(head || parser.get().body() == response.body, "the reply keeps its body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = data[0] & 0x7f;  // 0: everything at once
  const bool small_limits = (data[0] & 0x80) != 0;
  const std::string_view input = herald::fuzz::as_text(data + 1, size - 1);
  herald::http::ServerOptions options;
  if (small_limits) {  // so that short inputs reach the 431/413 paths too
    options.max_header_bytes = 256;
    options.max_body_bytes = 256;
  }

  std::string buffer;  // received, not yet consumed by a parser (what flat_buffer holds)
  std::size_t delivered = 0;
  const auto receive = [&]() -> bool {
    if (delivered == input.size()) return false;
    const std::size_t n = chunk == 0 ? input.size() - delivered : std::min(chunk, input.size() - delivered);
    buffer.append(input.substr(delivered, n));
    delivered += n;
    return true;
  };

  for (int pipelined = 0; pipelined < 8; ++pipelined) {
    if (buffer.empty() && !receive()) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      parser.eager(parser.is_header_done());  // async_read_header, then async_read
      const std::size_t used = FUZZ_NO_THROW("request_parser::put", parser.put(boost::asio::buffer(buffer), ec));
      buffer.erase(0, used);
      if (ec == bhttp::error::need_more || (!ec && used == 0 && !parser.is_done())) {
        ec = {};
        if (!receive()) {
          // The client closed: Beast reports EOF to the parser, or end_of_stream before any byte.
          if (parser.got_some()) {
            parser.put_eof(ec);
          } else {
            ec = bhttp::error::end_of_stream;
          }
          break;
        }
        continue;
      }
      if (ec) break;
    }
    if (ec || !parser.is_done()) break;  // the session answers 400/413/431 (or nothing) and closes

    const bool head_request = parser.get().method() == bhttp::verb::head;
    const unsigned version = parser.get().version();
    const bool keep_alive = parser.get().keep_alive();
    (void)boost::beast::iequals(parser.get()[bhttp::field::expect], "100-continue");
    const std::string target(parser.get().target());
    auto request = FUZZ_NO_THROW("to_request", herald::http::detail::to_request(parser.release(), "192.0.2.1"));
    if (!request) {
      FUZZ_CHECK(!request.error().message.empty(), "a refused target says why");
      check_reply(400, request.error().message, version, false, false);
      break;
    }
    FUZZ_CHECK(request->target == target, "the request keeps its raw target");
    (void)request->header("Authorization");
    (void)request->query_param("q");

    const auto match = FUZZ_NO_THROW("Router::match", herald_routes().match(*request));
    if (match.endpoint != nullptr) {
      FUZZ_CHECK(!request->route.empty(), "the matched route is recorded");
      FUZZ_CHECK(request->path_params.size() == captures_in(request->route), "one parameter per capture");
      for (const auto& [name, value] : request->path_params) {
        FUZZ_CHECK(!name.empty() && !value.empty(), "captures are named and non-empty");
      }
    } else {
      FUZZ_CHECK(request->path_params.empty() && request->route.empty(), "no match leaves no route");
      check_reply(match.path_matched ? 405 : 404, "no route", version, keep_alive, head_request);
    }
    if (!keep_alive) break;
  }
  return 0;
}
