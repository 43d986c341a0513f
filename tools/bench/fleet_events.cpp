#include "fleet_events.h"

#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

namespace herald::bench {

namespace asio = boost::asio;

void FleetEvents::new_phase() {
  std::fill(received_ns.begin(), received_ns.end(), 0);
  std::fill(result_ns.begin(), result_ns.end(), 0);
  received = results = written = duplicates = result_failures = 0;
  result_post_ms.clear();
}

namespace {

// "<kind> <agent> <ns>": the stamp of a stopped agent, counted once.
void stamp_once(std::istringstream& in, std::vector<long long>& stamps, std::size_t& count) {
  std::size_t agent = 0;
  long long ns = 0;
  in >> agent >> ns;
  if (agent >= stamps.size() || stamps[agent] != 0) return;
  stamps[agent] = ns;
  ++count;
}

}  // namespace

void handle_event(FleetEvents& events, const std::string& line) {
  std::istringstream in(line);
  char kind = 0;
  in >> kind;
  if (kind == 'X') {
    ++events.errors;
    if (events.error_samples.size() < 10) events.error_samples.push_back(line.substr(2));
    if (events.errors <= 5 || events.errors % 1000 == 0) spdlog::warn("agent error #{}: {}", events.errors, line.substr(2));
    return;
  }
  if (kind == 'D') {
    ++events.redelivered;
    if (events.redelivered_samples.size() < 10) events.redelivered_samples.push_back(line.substr(2));
    return;
  }
  if (kind == 'A') {
    std::size_t ok = 0, failed = 0;
    in >> ok >> failed;
    events.auth_ok += ok;
    events.auth_failed += failed;
    ++events.auth_reports;
    return;
  }
  if (kind == 'K') return stamp_once(in, events.hung_up_ns, events.hung_up);
  if (kind == 'M') return stamp_once(in, events.last_reply_ns, events.went_silent);
  std::size_t agent = 0;
  in >> agent;
  if (agent >= events.received_ns.size()) return;
  if (kind == 'W') {
    ++events.written;
    if (agent == events.watched && events.watched_received_ns != 0) events.watched_repolled = true;
  } else if (kind == 'T') {
    ++events.poll_timeouts;
  } else if (kind == 'R') {
    long long ns = 0;
    std::size_t commands = 0;
    in >> ns >> commands;
    events.commands_received += commands;
    if (agent == events.watched && events.watched_received_ns == 0) events.watched_received_ns = ns;
    if (events.received_ns[agent] == 0) {
      events.received_ns[agent] = ns;
      ++events.received;
    } else {
      ++events.duplicates;
    }
  } else if (kind == 'P') {
    long long ns = 0, micros = 0;
    unsigned status = 0;
    in >> ns >> status >> micros;
    if (status != 200) ++events.result_failures;
    events.result_post_ms.push_back(static_cast<double>(micros) / 1000.0);
    if (events.result_ns[agent] == 0) {
      events.result_ns[agent] = ns;
      ++events.results;
    }
  }
}

asio::awaitable<void> read_events(int fd, FleetEvents& events) {
  // Its own descriptor: the worker pool closes `fd`, this one goes with the coroutine's frame.
  asio::posix::stream_descriptor input(co_await asio::this_coro::executor, ::dup(fd));
  std::string buffer;
  for (;;) {
    boost::system::error_code ec;
    const auto length = co_await asio::async_read_until(input, asio::dynamic_buffer(buffer), '\n',
                                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    const std::string line = buffer.substr(0, length - 1);
    buffer.erase(0, length);
    handle_event(events, line);
  }
}

}  // namespace herald::bench
