#include "legacy_fleet.h"

// g++ 12 false positive: once a coroutine's ramp is inlined into its caller, it pairs asio's
// aligned_new/aligned_delete wrongly and reports -Wmismatched-new-delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <random>

#include "concurrency.h"

namespace herald::bench {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;

LegacyFleet::LegacyFleet(const std::vector<LegacyIdentity>& identities, legacy::wire::Cipher cipher,
                         std::size_t threads)
    : work_(io_.get_executor()), control_(asio::make_strand(io_)) {
  agents_.reserve(identities.size());
  for (const auto& identity : identities) agents_.push_back(std::make_shared<LegacyAgent>(io_, identity, cipher, stats_));
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

LegacyFleet::~LegacyFleet() {
  for (auto& agent : agents_) agent->close();
  work_.reset();
  // The agents' loops end once their sockets are closed; stop() covers anything still pending.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  io_.stop();
  for (auto& thread : threads_) thread.join();
}

awaitable<void> LegacyFleet::connect_all(tcp::endpoint remote, std::size_t source_addresses, std::size_t concurrency,
                                         std::chrono::seconds interval) {
  auto run = [this, remote, source_addresses, concurrency, interval]() -> awaitable<void> {
    std::mt19937_64 random{std::random_device{}()};
    std::uniform_int_distribution<long long> phase(0, std::chrono::milliseconds(interval).count() - 1);
    std::size_t next = 0;
    std::size_t done = 0;
    const auto started = std::chrono::steady_clock::now();
    auto last_report = started;
    co_await run_concurrently(std::min(concurrency, agents_.size()), [&](std::size_t) -> awaitable<void> {
      while (next < agents_.size()) {
        const auto index = next++;
        std::optional<asio::ip::address> source;
        if (source_addresses > 1) {
          source = asio::ip::make_address_v4(0x7f000001u + static_cast<unsigned>(index % source_addresses));
        }
        const auto first_keepalive = std::chrono::milliseconds(phase(random));
        auto& agent = agents_[index];
        co_await asio::co_spawn(agent->executor(), agent->start(remote, source, first_keepalive, interval),
                                asio::use_awaitable);
        ++done;
        const auto now = std::chrono::steady_clock::now();
        if (done == agents_.size() || now - last_report > std::chrono::seconds(2)) {
          last_report = now;
          spdlog::info("connected {}/{} on 1514 ({} failed, {:.0f}/s)", stats_.connected.load(), agents_.size(),
                       stats_.connect_failed.load(), static_cast<double>(done) / seconds_since(started));
        }
      }
    });
  };
  co_await asio::co_spawn(control_, run(), asio::use_awaitable);
}

void LegacyFleet::start_blasting(std::size_t count, const std::string& text, std::size_t ring) {
  for (std::size_t i = 0; i < count && i < agents_.size(); ++i) agents_[i]->start_blasting(text, ring);
}

void LegacyFleet::stop_blasting(std::size_t count) {
  for (std::size_t i = 0; i < count && i < agents_.size(); ++i) agents_[i]->stop_blasting();
}

std::vector<long long> LegacyFleet::restart_times() const {
  std::vector<long long> times;
  times.reserve(agents_.size());
  for (const auto& agent : agents_) times.push_back(agent->restart_received_ns());
  return times;
}

}  // namespace herald::bench
