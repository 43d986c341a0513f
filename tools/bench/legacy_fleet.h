// The simulated Wazuh 4.x fleet: every LegacyAgent on one io_context run by a few threads (no
// thread per agent), and the steps the bench drives it through. The bench's own io thread awaits
// these steps; they run on the fleet's threads.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "legacy_agent.h"

namespace herald::bench {

class LegacyFleet {
 public:
  LegacyFleet(const std::vector<LegacyIdentity>& identities, legacy::wire::Cipher cipher, std::size_t threads);
  // Closes every connection and joins the threads.
  ~LegacyFleet();
  LegacyFleet(const LegacyFleet&) = delete;
  LegacyFleet& operator=(const LegacyFleet&) = delete;

  // Every agent connects to `remote` (agent i from 127.0.0.(1 + i % source_addresses)), sends its
  // startup and waits for the ack, `concurrency` at a time; then keeps alive every `interval`,
  // the first keep-alive at a random point of the first interval. Completes when every agent has
  // been acked or has failed (see stats()).
  boost::asio::awaitable<void> connect_all(boost::asio::ip::tcp::endpoint remote, std::size_t source_addresses,
                                           std::size_t concurrency, std::chrono::seconds interval);

  // Agents [0, count) send `text` as fast as they can (see LegacyAgent::start_blasting).
  void start_blasting(std::size_t count, const std::string& text, std::size_t ring);
  void stop_blasting(std::size_t count);

  // CLOCK_MONOTONIC ns at which each agent received its first restart (0: not received).
  std::vector<long long> restart_times() const;

  const LegacyAgentStats& stats() const { return stats_; }
  std::size_t size() const { return agents_.size(); }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::strand<boost::asio::io_context::executor_type> control_;
  LegacyAgentStats stats_;
  std::vector<std::shared_ptr<LegacyAgent>> agents_;
  std::vector<std::thread> threads_;
};

}  // namespace herald::bench
