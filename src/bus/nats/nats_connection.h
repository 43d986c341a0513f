#pragma once
// The libnats connection and JetStream context behind NatsBus, and the callbacks that keep
// BusState up to date: connected/disconnected/reconnected/closed, asynchronous errors and
// JetStream publish acks (which count an event published, or dropped when it failed or its ack
// never came).
//
// Never blocks start-up on the server: the first attempt fails fast when nothing listens, and
// libnats retries for ever in the background (retry-on-failed-connect, unlimited reconnects).
#include <nats/nats.h>

#include <chrono>
#include <memory>

#include "bus/nats/bus_state.h"
#include "bus/nats/nats_bus_options.h"

namespace herald::bus {

class NatsConnection {
 public:
  // How long a JetStream publish may wait for its ack before it counts as dropped.
  static constexpr std::chrono::milliseconds kAckWait{5000};

  NatsConnection(const NatsBusOptions& options, std::shared_ptr<BusState> state);
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // Null if the connection object could not even be created (bad URL or options; logged). Valid
  // until close().
  natsConnection* connection() const { return connection_; }
  jsCtx* jetstream() const { return jetstream_; }

  // Waits until `deadline` for outstanding JetStream acks (the rest count as dropped), flushes
  // what core NATS still buffers, closes and frees everything. Idempotent. REQUIRES: no thread
  // is publishing through connection() or jetstream().
  void close(std::chrono::steady_clock::time_point deadline);

 private:
  void settle_acks(std::chrono::steady_clock::time_point deadline);

  std::shared_ptr<BusState> state_;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
};

}  // namespace herald::bus
