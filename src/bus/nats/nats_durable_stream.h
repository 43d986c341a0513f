#pragma once
// DurableStream on NATS JetStream: one connection of its own, a stream it creates (or brings to
// the configured subjects and limits) on every (re)connect, asynchronous publishes whose acks
// report each message's fate, and one pull consumer per consume() call, each served by a thread
// of its own that fetches in batches (explicit ack; MaxAckPending bounds what is in flight).
//
// Start-up never blocks on the server: libnats connects and reconnects in the background, the
// consumers bind once the stream exists. The consumers are created by this class (not by
// js_PullSubscribe), so that stopping a node never deletes them: their position survives.
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/durable_stream.h"

namespace herald::bus {

struct NatsDurableStreamOptions {
  std::string url = "nats://127.0.0.1:4222";
  std::string prefix = "wazuh";
  std::string connection_name;
  std::string stream_name = "HERALD_ANALYSIS";
  std::vector<std::string> subjects = {"analysis.*"};  // relative patterns the stream keeps
  std::chrono::seconds max_age{std::chrono::hours(24 * 7)};
  std::int64_t max_bytes = 1LL << 30;
  // A consumed message not acked within this is delivered again.
  std::chrono::milliseconds ack_wait{30'000};
  int max_ack_pending = 1024;  // per consumer
  int fetch_batch = 128;
  // A publish not acknowledged within this counts as not stored.
  std::chrono::milliseconds publish_ack_wait{5'000};
  std::chrono::milliseconds reconnect_wait{500};
};

class NatsDurableStream final : public DurableStream {
 public:
  explicit NatsDurableStream(NatsDurableStreamOptions options);
  ~NatsDurableStream() override;  // close()
  NatsDurableStream(const NatsDurableStream&) = delete;
  NatsDurableStream& operator=(const NatsDurableStream&) = delete;

  void set_publish_outcome(PublishOutcome outcome) override;
  bool publish(const std::string& relative_subject, std::string_view data) override;
  void consume(const std::string& relative_subject, const std::string& durable_name, DurableHandler handler) override;
  void start() override;
  void stop_consuming() override;
  void close() override;
  bool connected() const override;

  struct Shared;  // what libnats callbacks see

 private:
  struct Consumer;
  void run_setup();
  void run_consumer(Consumer& consumer);
  bool bind(Consumer& consumer);
  bool wait_for_retry(std::chrono::milliseconds delay);

  const NatsDurableStreamOptions options_;
  std::shared_ptr<Shared> shared_;
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
  std::vector<std::unique_ptr<Consumer>> consumers_;
  std::thread setup_thread_;
  bool started_ = false;
  bool closed_ = false;
};

}  // namespace herald::bus
