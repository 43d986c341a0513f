// A loopback stand-in for an indexer node's `_bulk` API, for `herald-bench alerts forwarder`:
// one thread, plain sockets, HTTP/1.1 keep-alive, one connection at a time (the forwarder's sender
// holds one). Every request is answered 200 with {"errors":false,"items":[...]}, one item of status
// 201 per document, so the forwarder settles each batch at once. It counts documents as it reads
// them and the CPU time its own thread spends, so the bench can take it out of the process's.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace herald::bench {

class BulkReceiver {
 public:
  // Listens on 127.0.0.1 on a free port. Throws std::runtime_error when it cannot.
  BulkReceiver();
  ~BulkReceiver();  // stops
  BulkReceiver(const BulkReceiver&) = delete;
  BulkReceiver& operator=(const BulkReceiver&) = delete;

  unsigned short port() const { return port_; }
  std::uint64_t documents() const { return documents_.load(std::memory_order_acquire); }
  std::uint64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t body_bytes() const { return body_bytes_.load(std::memory_order_relaxed); }
  // CPU seconds the receiver thread has used so far.
  double cpu_seconds() const { return static_cast<double>(cpu_ns_.load(std::memory_order_relaxed)) / 1e9; }

 private:
  void run();
  void serve(int connection);

  int listener_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connection_{-1};
  std::atomic<std::uint64_t> documents_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> body_bytes_{0};
  std::atomic<long long> cpu_ns_{0};
  std::thread thread_;
};

}  // namespace herald::bench
