#pragma once
// What the indexer forwarder (indexer_forwarder.h) is told: heraldd.yml's `alerts.indexer`.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::engine {

struct IndexerOptions {
  std::vector<std::string> hosts;  // "https://host:port" (or http://); empty: no forwarder
  std::string username;            // basic auth when set
  std::string password;            // never logged
  std::string ca_file;             // PEM CA for https hosts; empty: the system's CAs
  std::string index_pattern = "wazuh-alerts-4.x-%Y.%m.%d";
  std::size_t batch_max_docs = 500;
  std::uint64_t batch_max_bytes = 5ull << 20;
  std::chrono::milliseconds flush_interval{1000};
  std::string buffer_dir;  // default: <data_dir>/alerts/indexer-buffer
  std::uint64_t buffer_max_bytes = 1ull << 30;
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{30'000};
};

}  // namespace herald::engine
