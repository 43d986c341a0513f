#include "legacy_agent.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <functional>
#include <vector>

#include "legacy/wire/control_message.h"
#include "legacy/wire/crypto.h"
#include "legacy/wire/manager_messages.h"
#include "process_stats.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace wire = legacy::wire;
using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr std::string_view kStartup = R"(#!-agent startup {"version":"v4.12.0"})";
constexpr std::string_view kFileOpen = "#!-up file ";
constexpr std::string_view kFileClose = "#!-close file ";
constexpr std::string_view kExecd = "#!-execd ";

}  // namespace

void LegacyAgentStats::note_error(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (first_error_.empty()) first_error_ = what;
}

std::string LegacyAgentStats::first_error() const {
  std::lock_guard lock(mutex_);
  return first_error_;
}

LegacyAgent::LegacyAgent(asio::io_context& io, LegacyIdentity identity, wire::Cipher cipher, LegacyAgentStats& stats)
    : strand_(asio::make_strand(io)),
      socket_(strand_),
      wake_(strand_),
      identity_(std::move(identity)),
      cipher_(cipher),
      channel_key_(wire::channel_key(identity_.id, identity_.name, identity_.key)),
      stats_(stats),
      random_(static_cast<std::uint_fast32_t>(std::hash<std::string>{}(identity_.id))) {}

std::string LegacyAgent::encode(std::string_view text) {
  counters_ = wire::next_counters(counters_);
  const auto random = static_cast<std::uint16_t>(random_() & 0xffff);
  auto payload = wire::encode_message(cipher_, channel_key_, text, counters_, random, std::string_view(identity_.id));
  if (!payload) throw std::runtime_error("encoding a message for agent " + identity_.id + ": " + payload.error().message);
  return wire::frame(*payload);
}

std::string LegacyAgent::keepalive_text() const {
  // §3.2, as the 4.12.0 agent on Debian 12 sends it (one label: the agent's address).
  return "#!-Linux |" + identity_.name +
         " |6.1.0-18-amd64 |#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) |x86_64 "
         "[Debian GNU/Linux|debian: 12 (bookworm)] - Wazuh v4.12.0\n" +
         (merged_sum_.empty() ? std::string("x") : merged_sum_) + " merged.mg\n#\"_agent_ip\":" + agent_ip_ + "\n";
}

awaitable<bool> LegacyAgent::start(tcp::endpoint remote, std::optional<asio::ip::address> source,
                                   std::chrono::milliseconds first_keepalive, std::chrono::seconds interval) {
  auto self = shared_from_this();
  const auto fail = [this](const std::string& what) {
    stats_.connect_failed.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("agent " + identity_.id + ": " + what);
    boost::system::error_code ignored;
    socket_.close(ignored);
    closed_ = true;
  };
  boost::system::error_code ec;
  socket_.open(remote.protocol(), ec);
  if (!ec && source) socket_.bind(tcp::endpoint(*source, 0), ec);
  if (ec) {
    fail("socket: " + ec.message());
    co_return false;
  }
  auto [connect_ec] = co_await socket_.async_connect(remote, asio::as_tuple(asio::use_awaitable));
  if (connect_ec) {
    fail("connect: " + connect_ec.message());
    co_return false;
  }
  agent_ip_ = socket_.local_endpoint(ec).address().to_string();
  const std::string startup = encode(kStartup);
  auto [write_ec, written] = co_await asio::async_write(socket_, asio::buffer(startup), asio::as_tuple(asio::use_awaitable));
  if (write_ec) {
    fail("startup: " + write_ec.message());
    co_return false;
  }
  wake_.expires_after(kHandshakeTimeout);
  wake_.async_wait([this, self](boost::system::error_code timer_ec) {
    if (timer_ec || acked_) return;
    boost::system::error_code ignored;
    socket_.close(ignored);
  });
  while (!acked_) {
    if (!co_await read_some()) {
      wake_.cancel();
      fail("no ack to the startup message");
      co_return false;
    }
  }
  wake_.cancel();
  stats_.connected.fetch_add(1, std::memory_order_relaxed);
  asio::co_spawn(strand_, read_loop(), asio::detached);
  asio::co_spawn(strand_, write_loop(first_keepalive, interval), asio::detached);
  co_return true;
}

awaitable<bool> LegacyAgent::read_some() {
  char buffer[2048];
  auto [ec, n] = co_await socket_.async_read_some(asio::buffer(buffer), asio::as_tuple(asio::use_awaitable));
  if (ec) co_return false;
  std::vector<std::string> payloads;
  if (!reader_.feed(std::string_view(buffer, n), payloads)) {
    stats_.note_error("agent " + identity_.id + ": the manager sent a frame of " +
                      std::to_string(reader_.declared_length()) + " bytes");
    co_return false;
  }
  for (const auto& payload : payloads) handle(payload);
  co_return true;
}

void LegacyAgent::handle(std::string_view payload) {
  auto header = wire::parse_header(payload);
  if (!header) {
    stats_.undecodable.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  auto decoded = wire::decode_message(header->cipher, channel_key_, payload.substr(header->body_offset));
  if (!decoded) {
    stats_.undecodable.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("agent " + identity_.id + ": undecodable message: " + decoded.error().message);
    return;
  }
  const std::string_view text = decoded->text;
  if (text == wire::kAck) {
    acked_ = true;
    stats_.acks.fetch_add(1, std::memory_order_relaxed);
  } else if (text.starts_with(kFileOpen)) {
    // "#!-up file <md5> merged.mg\n"
    const auto rest = text.substr(kFileOpen.size());
    receiving_sum_ = std::string(rest.substr(0, rest.find(' ')));
    receiving_.clear();
  } else if (text.starts_with(kFileClose)) {
    if (receiving_sum_) {
      const bool intact = wire::md5_hex(receiving_) == *receiving_sum_;
      (intact ? stats_.pushes : stats_.bad_pushes).fetch_add(1, std::memory_order_relaxed);
      if (intact) merged_sum_ = *receiving_sum_;
      receiving_sum_.reset();
      receiving_.clear();
    }
  } else if (text.starts_with(kExecd) && text.find("\"restart-wazuh0\"") != std::string_view::npos) {
    long long expected = 0;
    restart_received_ns_.compare_exchange_strong(expected, monotonic_ns(), std::memory_order_acq_rel);
    stats_.restarts.fetch_add(1, std::memory_order_relaxed);
  } else if (receiving_sum_ && !text.starts_with(wire::kControlHeader)) {
    receiving_.append(text);  // a chunk of the file being pushed
  } else {
    stats_.other_messages.fetch_add(1, std::memory_order_relaxed);
  }
}

awaitable<void> LegacyAgent::read_loop() {
  auto self = shared_from_this();
  while (!closed_ && co_await read_some()) {
  }
  if (!closed_) {
    closed_ = true;
    stats_.dropped.fetch_add(1, std::memory_order_relaxed);
    stats_.note_error("agent " + identity_.id + ": the manager closed the connection");
    wake_.cancel();
  }
}

awaitable<void> LegacyAgent::write_loop(std::chrono::milliseconds first_keepalive, std::chrono::seconds interval) {
  auto self = shared_from_this();
  auto next_keepalive = std::chrono::steady_clock::now() + first_keepalive;
  while (!closed_) {
    if (blasting_) {
      auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(blast_frames_), asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      stats_.events_written.fetch_add(blast_count_, std::memory_order_relaxed);
      continue;
    }
    wake_.expires_at(next_keepalive);
    co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (closed_ || blasting_ || std::chrono::steady_clock::now() < next_keepalive) continue;
    next_keepalive += interval;
    const std::string keepalive = encode(keepalive_text());
    auto [ec, n] = co_await asio::async_write(socket_, asio::buffer(keepalive), asio::as_tuple(asio::use_awaitable));
    if (ec) break;
    stats_.keepalives_sent.fetch_add(1, std::memory_order_relaxed);
  }
}

void LegacyAgent::start_blasting(std::string text, std::size_t ring) {
  asio::post(strand_, [this, self = shared_from_this(), text = std::move(text), ring] {
    blast_frames_.clear();
    for (std::size_t i = 0; i < ring; ++i) blast_frames_ += encode(text);
    blast_count_ = ring;
    blasting_ = true;
    wake_.cancel();
    stats_.blasters_ready.fetch_add(1, std::memory_order_relaxed);
  });
}

void LegacyAgent::stop_blasting() {
  asio::post(strand_, [this, self = shared_from_this()] { blasting_ = false; });
}

void LegacyAgent::close() {
  asio::post(strand_, [this, self = shared_from_this()] {
    closed_ = true;
    wake_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  });
}

}  // namespace herald::bench
