#pragma once
// An at-least-once message stream with named durable consumers, for work that must survive the
// node that received it (issue 16 part 8: analysis scale-out). JetStream is the backend
// (bus/nats/nats_durable_stream.h); the engine sees only this interface.
//
// A consumed message is settled by ack() (done: never delivered again) or nak() (deliver it
// again); one that is never settled is delivered again once the consumer's ack wait passes, to
// whichever node consumes that consumer next.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace herald::bus {

class DurableMessage {
 public:
  virtual ~DurableMessage() = default;
  virtual std::string_view data() const = 0;
  // 1 on the first delivery; more when the stream delivers the message again.
  virtual std::uint64_t delivery_count() const = 0;
  // Thread-safe; only the first ack() or nak() counts.
  virtual void ack() = 0;
  virtual void nak() = 0;
};

using DurableHandler = std::function<void(std::shared_ptr<DurableMessage>)>;
// The fate of a message publish() took: stored (acknowledged by the stream) or not (refused, or
// no acknowledgement in time), with its subject and data so that the caller can deal with it
// another way. Called once per message, from a thread of the stream's.
using PublishOutcome = std::function<void(bool stored, std::string_view relative_subject, std::string_view data)>;

class DurableStream {
 public:
  virtual ~DurableStream() = default;

  // Where outcomes go. REQUIRES: set before the first publish().
  virtual void set_publish_outcome(PublishOutcome outcome) = 0;
  // Hands `data` to the stream on "<prefix>.<relative_subject>" without waiting for the server.
  // False when it was not taken (not connected, too many unacknowledged publishes): no outcome
  // follows, the caller keeps the message.
  virtual bool publish(const std::string& relative_subject, std::string_view data) = 0;
  // Consumes "<prefix>.<relative_subject>" through the durable consumer `durable_name` (created if
  // absent; kept when this node stops, so another node or this one after a restart resumes where
  // it was). `handler` runs on a thread of this consumer, in stream order. Call before start().
  virtual void consume(const std::string& relative_subject, const std::string& durable_name,
                       DurableHandler handler) = 0;
  virtual void start() = 0;
  // No new deliveries after this returns; messages already handed out can still be settled.
  virtual void stop_consuming() = 0;
  // Waits (bounded) for outstanding publish acknowledgements, then disconnects. Idempotent.
  virtual void close() = 0;
  virtual bool connected() const = 0;
};

}  // namespace herald::bus
