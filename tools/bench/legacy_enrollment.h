// The 1515 side of a simulated Wazuh 4.x agent (legacy-4x-protocol.md §1.3–1.4): one TLS
// connection per enrollment, "OSSEC A:'<name>'\n" out, "OSSEC K:'<id> <name> <ip> <key>'" back.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

// What an enrolled agent keeps (its client.keys line).
struct LegacyIdentity {
  std::string id;    // "001"
  std::string name;
  std::string ip;    // "any"
  std::string key;   // 64 hex
};

// "127.0.0.1:1515" or "[::1]:1515", as heraldd writes its listeners into heraldd.ready. Throws
// std::invalid_argument on anything else.
boost::asio::ip::tcp::endpoint parse_host_port(std::string_view text);

// Enrolls `count` agents named "<name_prefix><index>", `concurrency` at a time, on the current
// (single-threaded) executor. Returns them in index order. Throws std::runtime_error on the first
// refusal or network failure, naming the agent and what the server said.
boost::asio::awaitable<std::vector<LegacyIdentity>> enroll_legacy_agents(boost::asio::ip::tcp::endpoint enrollment,
                                                                         std::size_t count, std::size_t concurrency,
                                                                         std::string name_prefix);

}  // namespace herald::bench
