#include "legacy_enrollment.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <stdexcept>

#include "concurrency.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kEnrollmentTimeout = std::chrono::seconds(30);

// The four fields of "OSSEC K:'<id> <name> <ip> <key>'", split as w_enrollment_process_agent_key does.
bool parse_key_reply(std::string_view reply, LegacyIdentity& out) {
  constexpr std::string_view kPrefix = "OSSEC K:'";
  const auto start = reply.find(kPrefix);
  if (start == std::string_view::npos) return false;
  const auto body_start = start + kPrefix.size();
  const auto end = reply.find('\'', body_start);
  if (end == std::string_view::npos) return false;
  std::string_view body = reply.substr(body_start, end - body_start);
  std::string* fields[] = {&out.id, &out.name, &out.ip, &out.key};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto space = i < 3 ? body.find(' ') : std::string_view::npos;
    if (i < 3 && space == std::string_view::npos) return false;
    *fields[i] = std::string(body.substr(0, space));
    body = space == std::string_view::npos ? std::string_view() : body.substr(space + 1);
  }
  return out.key.size() == 64;
}

awaitable<LegacyIdentity> enroll_one(ssl::context& tls, const tcp::endpoint& enrollment, const std::string& name) {
  const auto executor = co_await asio::this_coro::executor;
  ssl::stream<tcp::socket> stream(executor, tls);
  asio::steady_timer deadline(executor, kEnrollmentTimeout);
  deadline.async_wait([&stream](boost::system::error_code ec) {
    if (ec) return;
    boost::system::error_code ignored;
    stream.lowest_layer().close(ignored);
  });
  co_await stream.lowest_layer().async_connect(enrollment, asio::use_awaitable);
  co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
  const std::string request = "OSSEC A:'" + name + "'\n";
  co_await asio::async_write(stream, asio::buffer(request), asio::use_awaitable);
  // One write comes back: the key, or "ERROR: ..." and then a second error line. The server
  // closes after it.
  std::string reply;
  char buffer[2048];
  LegacyIdentity identity;
  while (!parse_key_reply(reply, identity)) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
    reply.append(buffer, n);
    if (ec) break;
  }
  deadline.cancel();
  boost::system::error_code ignored;
  stream.lowest_layer().close(ignored);
  if (!parse_key_reply(reply, identity)) {
    throw std::runtime_error("enrolling " + name + ": " + (reply.empty() ? std::string("no reply") : reply));
  }
  co_return identity;
}

}  // namespace

tcp::endpoint parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) throw std::invalid_argument("not host:port: " + std::string(text));
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned short port = 0;
  const auto port_text = text.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size()) {
    throw std::invalid_argument("bad port in " + std::string(text));
  }
  return {asio::ip::make_address(std::string(host)), port};
}

awaitable<std::vector<LegacyIdentity>> enroll_legacy_agents(tcp::endpoint enrollment, std::size_t count,
                                                            std::size_t concurrency, std::string name_prefix) {
  // The agent's default: it does not verify the manager's (self-signed) certificate.
  ssl::context tls(ssl::context::tls_client);
  tls.set_verify_mode(ssl::verify_none);
  std::vector<LegacyIdentity> agents(count);
  std::size_t next = 0;
  std::size_t done = 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  co_await run_concurrently(std::min(concurrency, count), [&](std::size_t) -> awaitable<void> {
    while (next < count) {
      const auto index = next++;
      agents[index] = co_await enroll_one(tls, enrollment, name_prefix + std::to_string(index));
      ++done;
      const auto now = std::chrono::steady_clock::now();
      if (done == count || now - last_report > std::chrono::seconds(2)) {
        last_report = now;
        spdlog::info("enrolled {}/{} on 1515 ({:.0f}/s)", done, count, static_cast<double>(done) / seconds_since(started));
      }
    }
  });
  co_return agents;
}

}  // namespace herald::bench
