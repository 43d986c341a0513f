#pragma once
// The NATS EventBus: transient events on core NATS, durable ones in a JetStream stream.
//
// publish() never waits on NATS. It validates the subject and hands the event to a bounded queue
// (full: dropped and counted); one worker thread sends what is queued:
//  - transient events with a core NATS publish (at most once: no ack);
//  - durable events whose subject the stream covers (options.durable_subjects) with an
//    asynchronous JetStream publish carrying Nats-Msg-Id = message_id, so a repeat within the
//    duplicate window is stored once. An event is counted published when JetStream acks it and
//    dropped when it refuses it or the ack does not come within NatsConnection::kAckWait.
//    Durable events outside the stream's subjects go out on core NATS (logged once).
// While the server is unreachable the worker drops (and counts) what it takes from the queue, so
// memory stays bounded and heraldd keeps working; the outage is logged once when it starts and
// once when it ends. Publishing resumes by itself after the reconnect, which also re-creates the
// stream if the server lost it.
//
// Start-up never fails or blocks on NATS: the constructor makes one connection attempt (instant
// when nothing listens; at most the 2 s connect timeout for an unreachable host) and libnats
// keeps retrying in the background every options.reconnect_wait.
//
// Safe for concurrent use from any thread.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "bus/event_bus.h"
#include "bus/nats/nats_bus_options.h"
#include "bus/nats/outage_log.h"

namespace herald::bus {

class NatsConnection;
struct BusState;

class NatsBus final : public EventBus {
 public:
  explicit NatsBus(NatsBusOptions options);
  ~NatsBus() override;  // close()
  NatsBus(const NatsBus&) = delete;
  NatsBus& operator=(const NatsBus&) = delete;

  // Queues the event and returns at once. An invalid subject (see subject_match.h), a full queue
  // or a publish after close() drops and counts it.
  void publish(Event event) override;
  // A core NATS subscription on "<prefix>.<pattern>"; handlers run on a libnats thread (one per
  // subscription) and get the full subject. Works before the first connect and again after every
  // reconnect. Throws std::invalid_argument for an invalid pattern (a programming error). After
  // close() returns a subscription that receives nothing. The Subscription may outlive the bus.
  std::unique_ptr<Subscription> subscribe(const std::string& pattern, Handler handler) override;
  // published: sent on core NATS, or acked by JetStream. dropped: everything given up on.
  // connected: the link to the server is up.
  BusStats stats() const override;
  // Sends what is queued for up to 2 s (the rest is dropped and counted), waits within the same
  // budget for JetStream acks, then disconnects. Later publishes are dropped. Idempotent. Does not
  // call nats_Close(): other buses may live in the same process.
  void close() override;

  const NatsBusOptions& options() const { return options_; }

 private:
  void run_worker();
  void deliver(Event& event);
  void publish_transient(const std::string& subject, const Event& event);
  void publish_durable(const std::string& subject, const Event& event);
  void set_up_stream_if_due();
  bool covered_by_stream(const std::string& relative_subject) const;
  bool past_close_deadline() const;

  const NatsBusOptions options_;
  std::shared_ptr<BusState> state_;
  std::unique_ptr<NatsConnection> connection_;

  std::mutex lifecycle_mutex_;  // subscribe() vs close()
  bool closed_ = false;
  std::atomic<std::chrono::steady_clock::time_point> close_deadline_{std::chrono::steady_clock::time_point::max()};

  std::atomic<bool> invalid_subject_logged_{false};
  std::atomic<bool> queue_full_logged_{false};

  // Owned by the worker thread.
  OutageLog outage_log_;
  bool stream_ready_ = false;
  bool stream_failure_logged_ = false;
  std::chrono::steady_clock::time_point next_stream_attempt_{};
  bool uncovered_subject_logged_ = false;
  bool publish_failure_logged_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace herald::bus
