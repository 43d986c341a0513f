// One simulated Wazuh 4.x agent on the secure channel (legacy-4x-protocol.md §2–§5): one TCP
// connection to 1514, startup and ack, keep-alives every notify_time, and what the manager pushes
// (merged.mg, active responses) decrypted and counted. Runs on its own strand of a shared
// multi-threaded io_context; what it observes goes into a LegacyAgentStats shared by the fleet.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "legacy/wire/framing.h"
#include "legacy/wire/secure_message.h"
#include "legacy_enrollment.h"

namespace herald::bench {

// What every agent of the fleet saw. Safe for concurrent use.
struct LegacyAgentStats {
  std::atomic<std::size_t> connected{0};       // startup acked
  std::atomic<std::size_t> connect_failed{0};  // no connection, or no ack in time
  std::atomic<std::size_t> dropped{0};         // connection lost after the ack
  std::atomic<std::size_t> keepalives_sent{0};
  std::atomic<std::size_t> acks{0};            // "#!-agent ack " (startup and keep-alives)
  std::atomic<std::size_t> pushes{0};          // merged.mg received whole, MD5 as announced
  std::atomic<std::size_t> bad_pushes{0};      // received, MD5 differs
  std::atomic<std::size_t> restarts{0};        // "#!-execd {...restart-wazuh0...}"
  std::atomic<std::size_t> other_messages{0};  // any other decrypted message
  std::atomic<std::size_t> undecodable{0};     // a payload that did not decrypt or parse
  std::atomic<std::size_t> blasters_ready{0};  // agents whose events are encoded
  std::atomic<std::size_t> events_written{0};  // events the sockets took (heraldd's count is the figure)

  void note_error(const std::string& what);
  std::string first_error() const;

 private:
  mutable std::mutex mutex_;
  std::string first_error_;
};

class LegacyAgent : public std::enable_shared_from_this<LegacyAgent> {
 public:
  using Executor = boost::asio::strand<boost::asio::io_context::executor_type>;

  LegacyAgent(boost::asio::io_context& io, LegacyIdentity identity, legacy::wire::Cipher cipher,
              LegacyAgentStats& stats);

  const Executor& executor() const { return strand_; }
  const LegacyIdentity& identity() const { return identity_; }

  // REQUIRES: runs on executor(). Connects (from `source` when set), sends the startup message
  // and waits for the ack; then keeps reading, and sends a keep-alive after `first_keepalive` and
  // every `interval` from then on. True when the ack came (stats count either outcome).
  boost::asio::awaitable<bool> start(boost::asio::ip::tcp::endpoint remote, std::optional<boost::asio::ip::address> source,
                                     std::chrono::milliseconds first_keepalive, std::chrono::seconds interval);

  // From any thread. Encodes `ring` events of `text` (then counts stats.blasters_ready) and
  // writes them in a loop, as fast as the socket takes them, in place of keep-alives.
  void start_blasting(std::string text, std::size_t ring);
  void stop_blasting();
  // From any thread.
  void close();

  // CLOCK_MONOTONIC ns at which the first restart arrived; 0: none yet.
  long long restart_received_ns() const { return restart_received_ns_.load(std::memory_order_acquire); }

 private:
  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop(std::chrono::milliseconds first_keepalive, std::chrono::seconds interval);
  // Reads once and handles what arrived; false when the connection ended.
  boost::asio::awaitable<bool> read_some();
  void handle(std::string_view payload);
  std::string encode(std::string_view text);
  std::string keepalive_text() const;

  Executor strand_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer wake_;
  LegacyIdentity identity_;
  legacy::wire::Cipher cipher_;
  std::string channel_key_;
  LegacyAgentStats& stats_;
  legacy::wire::FrameReader reader_;
  legacy::wire::Counters counters_;
  std::minstd_rand random_;
  std::string agent_ip_;
  std::string merged_sum_;  // of the last merged.mg received whole; empty: "x"
  std::optional<std::string> receiving_sum_;  // between "#!-up file <sum> merged.mg" and "#!-close file "
  std::string receiving_;
  bool acked_ = false;
  bool closed_ = false;
  bool blasting_ = false;
  std::string blast_frames_;
  std::size_t blast_count_ = 0;
  std::atomic<long long> restart_received_ns_{0};
};

}  // namespace herald::bench
