#pragma once
// A NATS client as an operator's integration would run it: subscribes to a subject pattern and
// keeps every message, and reads back what a JetStream stream kept (for a consumer that was down).
#include <nats/nats.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace herald::test {

struct NatsMessage {
  std::string subject;
  std::string payload;
};

class NatsWatcher {
 public:
  // Connects and subscribes to `pattern` (e.g. "wazuh.>"). Throws when it cannot.
  NatsWatcher(const std::string& url, const std::string& pattern);
  ~NatsWatcher();
  NatsWatcher(const NatsWatcher&) = delete;
  NatsWatcher& operator=(const NatsWatcher&) = delete;

  std::vector<NatsMessage> messages() const;
  std::vector<NatsMessage> on(const std::string& subject) const;  // exact subject
  // Waits (bounded) until a message on `subject` satisfies `match`; returns it.
  std::optional<NatsMessage> wait_for(const std::string& subject,
                                      const std::function<bool(const std::string& payload)>& match = {},
                                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // The last message the stream kept on `subject`, or nullopt.
  std::optional<NatsMessage> last_in_stream(const std::string& stream, const std::string& subject) const;

 private:
  static void on_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure);

  natsConnection* connection_ = nullptr;
  natsSubscription* subscription_ = nullptr;
  jsCtx* jetstream_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<NatsMessage> messages_;
};

}  // namespace herald::test
