// NatsBus against a real nats-server with JetStream: core and durable publishing, the stream's
// set-up, deduplication, and outages (server down at start-up, stopped mid-run, back with an empty
// store), checked with a separate libnats client.
#include <gtest/gtest.h>
#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bus/nats/nats_bus.h"
#include "support/heraldd_process.h"  // eventually()
#include "support/nats_server.h"

namespace herald::bus {
namespace {

using namespace std::chrono_literals;
using test::eventually;
using test::NatsServer;

constexpr const char* kStream = "HERALD_EVENTS";

// A separate client, as an operator's tools or an integration would see the server.
class Client {
 public:
  explicit Client(const std::string& url) {
    if (natsConnection_ConnectTo(&connection_, url.c_str()) != NATS_OK) {
      connection_ = nullptr;
      return;
    }
    jsOptions options;
    jsOptions_Init(&options);
    options.Wait = 2000;
    if (natsConnection_JetStream(&jetstream_, connection_, &options) != NATS_OK) jetstream_ = nullptr;
  }
  ~Client() {
    jsCtx_Destroy(jetstream_);
    natsConnection_Destroy(connection_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return jetstream_ != nullptr; }
  natsConnection* connection() const { return connection_; }
  jsCtx* jetstream() const { return jetstream_; }

 private:
  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
};

struct StreamState {
  std::uint64_t messages = 0;
  std::vector<std::string> subjects;
  jsStorageType storage = js_MemoryStorage;
  jsRetentionPolicy retention = js_InterestPolicy;
  std::int64_t max_age_ns = 0;
  std::int64_t duplicates_ns = 0;
};

// The stream as the server has it now; nullopt when it does not exist or the server is down.
std::optional<StreamState> stream_state(const std::string& url) {
  Client client(url);
  if (!client.connected()) return std::nullopt;
  jsStreamInfo* info = nullptr;
  if (js_GetStreamInfo(&info, client.jetstream(), kStream, nullptr, nullptr) != NATS_OK) return std::nullopt;
  StreamState state;
  state.messages = info->State.Msgs;
  state.subjects.assign(info->Config->Subjects, info->Config->Subjects + info->Config->SubjectsLen);
  std::sort(state.subjects.begin(), state.subjects.end());
  state.storage = info->Config->Storage;
  state.retention = info->Config->Retention;
  state.max_age_ns = info->Config->MaxAge;
  state.duplicates_ns = info->Config->Duplicates;
  jsStreamInfo_Destroy(info);
  return state;
}

std::uint64_t stream_messages(const std::string& url) {
  auto state = stream_state(url);
  return state ? state->messages : 0;
}

struct StoredMessage {
  std::string subject;
  std::string payload;
  std::string message_id;
};

std::optional<StoredMessage> stored_message(const std::string& url, std::uint64_t sequence) {
  Client client(url);
  natsMsg* message = nullptr;
  if (!client.connected() || js_GetMsg(&message, client.jetstream(), kStream, sequence, nullptr, nullptr) != NATS_OK) {
    return std::nullopt;
  }
  StoredMessage stored;
  stored.subject = natsMsg_GetSubject(message);
  stored.payload.assign(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
  const char* id = nullptr;
  if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr) stored.message_id = id;
  natsMsg_Destroy(message);
  return stored;
}

// Collects what a bus subscription receives; safe from libnats threads.
class Received {
 public:
  Handler handler() {
    return [this](const std::string& subject, const std::string& payload) {
      std::lock_guard lock(mutex_);
      events_.emplace_back(subject, payload);
    };
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  bool has(const std::string& subject, const std::string& payload) const {
    std::lock_guard lock(mutex_);
    return std::find(events_.begin(), events_.end(), std::make_pair(subject, payload)) != events_.end();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> events_;
};

Event transient(std::string subject, std::string payload) {
  return {std::move(subject), std::move(payload), Durability::transient, ""};
}
Event durable(std::string subject, std::string payload, std::string message_id) {
  return {std::move(subject), std::move(payload), Durability::durable, std::move(message_id)};
}

// publish() must never wait on NATS: it only queues.
constexpr auto kPublishBudget = 50ms;

std::chrono::nanoseconds timed_publish(EventBus& bus, Event event) {
  auto start = std::chrono::steady_clock::now();
  bus.publish(std::move(event));
  return std::chrono::steady_clock::now() - start;
}

class BusNats : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::installed()) {
      GTEST_SKIP() << "nats-server is not installed (scripts/deps.sh installs it): skipping the NATS bus tests";
    }
    server_ = std::make_unique<NatsServer>();
    // spdlog's registry is created on first use. heraldd makes that first use in main(), before
    // any thread; so does this test, before the bus starts its worker. Otherwise the worker and
    // the test thread may log first at the same moment: libspdlog is not built with
    // ThreadSanitizer, which then misses its thread-safe lazy creation and reports a race.
    spdlog::default_logger_raw();
  }

  NatsBusOptions options() const {
    NatsBusOptions options;
    options.url = server_->url();
    options.connection_name = "herald-test";
    options.reconnect_wait = 100ms;  // quick recovery keeps the outage tests short
    return options;
  }

  std::unique_ptr<NatsServer> server_;
};

TEST_F(BusNats, TransientEventReachesBusAndOutsideSubscribers) {
  server_->start();
  NatsBus bus(options());
  Received received;
  auto subscription = bus.subscribe("agent.*.keepalive", received.handler());
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));

  Client outside(server_->url());
  ASSERT_TRUE(outside.connected());
  natsSubscription* raw = nullptr;
  ASSERT_EQ(natsConnection_SubscribeSync(&raw, outside.connection(), "wazuh.agent.>"), NATS_OK);
  ASSERT_EQ(natsConnection_Flush(outside.connection()), NATS_OK);  // the server knows the subscription

  bus.publish(transient("agent.001.keepalive", R"({"id":"001"})"));

  EXPECT_TRUE(eventually([&] { return received.has("wazuh.agent.001.keepalive", R"({"id":"001"})"); }));
  natsMsg* message = nullptr;
  ASSERT_EQ(natsSubscription_NextMsg(&message, raw, 5000), NATS_OK);
  EXPECT_STREQ(natsMsg_GetSubject(message), "wazuh.agent.001.keepalive");
  EXPECT_EQ(std::string(natsMsg_GetData(message), natsMsg_GetDataLength(message)), R"({"id":"001"})");
  natsMsg_Destroy(message);
  natsSubscription_Destroy(raw);
  EXPECT_TRUE(eventually([&] { return bus.stats().published == 1; }));
  EXPECT_EQ(bus.stats().dropped, 0u);
  EXPECT_EQ(stream_messages(server_->url()), 0u);  // keep-alives are not stored
}

TEST_F(BusNats, DurableEventIsStoredInTheStreamItCreates) {
  server_->start();
  ASSERT_FALSE(stream_state(server_->url()).has_value());
  NatsBus bus(options());
  bus.publish(durable("agent.001.status", R"({"status":"active"})", "001-1"));

  ASSERT_TRUE(eventually([&] { return bus.stats().published == 1; }));
  auto state = stream_state(server_->url());
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->messages, 1u);
  EXPECT_EQ(state->subjects,
            (std::vector<std::string>{"wazuh.agent.*.enrolled", "wazuh.agent.*.status", "wazuh.orders.>"}));
  EXPECT_EQ(state->storage, js_FileStorage);
  EXPECT_EQ(state->retention, js_LimitsPolicy);
  EXPECT_EQ(state->max_age_ns, std::chrono::nanoseconds(std::chrono::hours(24 * 30)).count());
  EXPECT_EQ(state->duplicates_ns, std::chrono::nanoseconds(120s).count());
  auto stored = stored_message(server_->url(), 1);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->subject, "wazuh.agent.001.status");
  EXPECT_EQ(stored->payload, R"({"status":"active"})");
  EXPECT_EQ(stored->message_id, "001-1");
}

TEST_F(BusNats, ExistingStreamWithOtherSubjectsIsUpdated) {
  server_->start();
  {
    Client client(server_->url());
    ASSERT_TRUE(client.connected());
    const char* subjects[] = {"wazuh.orders.>"};
    jsStreamConfig config;
    jsStreamConfig_Init(&config);
    config.Name = kStream;
    config.Subjects = subjects;
    config.SubjectsLen = 1;
    config.Storage = js_FileStorage;
    ASSERT_EQ(js_AddStream(nullptr, client.jetstream(), &config, nullptr, nullptr), NATS_OK);
  }
  NatsBus bus(options());
  EXPECT_TRUE(eventually([&] {
    auto state = stream_state(server_->url());
    return state && state->subjects.size() == 3;
  }));
  bus.publish(durable("agent.002.enrolled", "{}", "002-enrolled"));
  EXPECT_TRUE(eventually([&] { return stream_messages(server_->url()) == 1; }));
}

TEST_F(BusNats, RepeatedMessageIdIsStoredOnce) {
  server_->start();
  NatsBus bus(options());
  for (int i = 0; i < 3; ++i) bus.publish(durable("orders.success", R"({"n":1})", "req1-order1-success"));
  bus.publish(durable("orders.success", R"({"n":2})", "req1-order2-success"));

  // A duplicate is acked by JetStream (so it counts as published) but not stored again.
  ASSERT_TRUE(eventually([&] { return bus.stats().published == 4; }));
  EXPECT_EQ(stream_messages(server_->url()), 2u);
  EXPECT_EQ(bus.stats().dropped, 0u);
}

TEST_F(BusNats, DurableEventOutsideTheStreamGoesOutOnCoreNats) {
  server_->start();
  NatsBus bus(options());
  Received received;
  auto subscription = bus.subscribe("agent.*.removed", received.handler());
  bus.publish(durable("agent.003.removed", "{}", "003-removed"));
  EXPECT_TRUE(eventually([&] { return received.has("wazuh.agent.003.removed", "{}"); }));
  EXPECT_EQ(stream_messages(server_->url()), 0u);
}

TEST_F(BusNats, StartsWithoutNatsDropsMeanwhileAndCatchesUpWhenItComes) {
  auto start = std::chrono::steady_clock::now();
  NatsBus bus(options());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "the constructor must not wait for NATS";
  EXPECT_FALSE(bus.stats().connected);
  Received received;
  auto subscription = bus.subscribe("agent.>", received.handler());  // taken before the first connect

  for (int i = 0; i < 20; ++i) {
    auto event = i % 2 == 0 ? durable("agent.001.status", "{}", "001-" + std::to_string(i))
                            : transient("agent.001.keepalive", "{}");
    EXPECT_LT(timed_publish(bus, std::move(event)), kPublishBudget);
  }
  EXPECT_TRUE(eventually([&] { return bus.stats().dropped == 20; }));
  EXPECT_EQ(bus.stats().published, 0u);

  server_->start();
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));
  EXPECT_TRUE(eventually([&] { return stream_state(server_->url()).has_value(); })) << "stream created on connect";
  bus.publish(durable("agent.001.status", R"({"status":"active"})", "001-after"));
  bus.publish(transient("agent.001.keepalive", R"({"after":true})"));
  EXPECT_TRUE(eventually([&] { return stream_messages(server_->url()) == 1; }));
  EXPECT_TRUE(eventually([&] { return received.has("wazuh.agent.001.keepalive", R"({"after":true})"); }));
  EXPECT_TRUE(eventually([&] { return bus.stats().published == 2; }));
  EXPECT_EQ(bus.stats().dropped, 20u);
}

TEST_F(BusNats, OutageMidRunNeverBlocksPublishersAndRecovers) {
  server_->start();
  NatsBus bus(options());
  Received received;
  auto subscription = bus.subscribe("agent.*.keepalive", received.handler());
  bus.publish(durable("agent.001.status", "{}", "001-1"));
  ASSERT_TRUE(eventually([&] { return stream_messages(server_->url()) == 1; }));

  server_->stop();
  ASSERT_TRUE(eventually([&] { return !bus.stats().connected; }));
  auto dropped_before = bus.stats().dropped;
  std::chrono::nanoseconds slowest{0};
  for (int i = 0; i < 200; ++i) {
    auto event = i % 2 == 0 ? durable("agent.001.status", "{}", "001-outage-" + std::to_string(i))
                            : transient("agent.001.keepalive", "{}");
    slowest = std::max(slowest, timed_publish(bus, std::move(event)));
  }
  EXPECT_LT(slowest, kPublishBudget);
  EXPECT_TRUE(eventually([&] { return bus.stats().dropped >= dropped_before + 200; }));

  server_->start();  // same port, same store
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));
  bus.publish(durable("agent.001.status", "{}", "001-2"));
  bus.publish(transient("agent.001.keepalive", R"({"back":true})"));
  EXPECT_TRUE(eventually([&] { return stream_messages(server_->url()) == 2; }));
  EXPECT_TRUE(eventually([&] { return received.has("wazuh.agent.001.keepalive", R"({"back":true})"); }))
      << "the subscription must be re-established after the reconnect";
}

TEST_F(BusNats, ServerBackWithAnEmptyStoreGetsTheStreamAgain) {
  server_->start();
  NatsBus bus(options());
  bus.publish(durable("orders.pending", "{}", "o-1"));
  ASSERT_TRUE(eventually([&] { return stream_messages(server_->url()) == 1; }));

  server_->stop();
  ASSERT_TRUE(eventually([&] { return !bus.stats().connected; }));
  server_->wipe_store();
  server_->start();
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));
  EXPECT_TRUE(eventually([&] { return stream_state(server_->url()).has_value(); })) << "stream re-created on reconnect";
  bus.publish(durable("orders.sent", "{}", "o-2"));
  EXPECT_TRUE(eventually([&] { return stream_messages(server_->url()) == 1; }));
  auto stored = stored_message(server_->url(), 1);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->subject, "wazuh.orders.sent");
}

TEST_F(BusNats, EveryEventIsCountedPublishedOrDropped) {
  server_->start();
  auto small = options();
  small.queue_capacity = 16;  // forces queue-full drops under a burst
  NatsBus bus(small);
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));
  constexpr std::uint64_t kEvents = 5000;
  for (std::uint64_t i = 0; i < kEvents; ++i) {
    bus.publish(i % 4 == 0 ? durable("orders.success", "{}", "burst-" + std::to_string(i))
                           : transient("agent.001.keepalive", "{}"));
  }
  EXPECT_TRUE(eventually([&] {
    auto stats = bus.stats();
    return stats.published + stats.dropped == kEvents;
  }));
  EXPECT_GT(bus.stats().published, 0u);
}

TEST_F(BusNats, CloseSendsWhatIsQueuedAndIsIdempotent) {
  server_->start();
  Client outside(server_->url());
  ASSERT_TRUE(outside.connected());
  natsSubscription* raw = nullptr;
  ASSERT_EQ(natsConnection_SubscribeSync(&raw, outside.connection(), "wazuh.agent.*.keepalive"), NATS_OK);
  ASSERT_EQ(natsConnection_Flush(outside.connection()), NATS_OK);

  NatsBus bus(options());
  ASSERT_TRUE(eventually([&] { return bus.stats().connected; }));
  constexpr int kEvents = 500;
  for (int i = 0; i < kEvents; ++i) bus.publish(transient("agent.001.keepalive", std::to_string(i)));
  bus.close();
  bus.close();
  EXPECT_EQ(bus.stats().published, static_cast<std::uint64_t>(kEvents)) << "dropped: " << bus.stats().dropped;
  EXPECT_FALSE(bus.stats().connected);

  int received = 0;
  natsMsg* message = nullptr;
  while (received < kEvents && natsSubscription_NextMsg(&message, raw, 5000) == NATS_OK) {
    natsMsg_Destroy(message);
    ++received;
  }
  natsSubscription_Destroy(raw);
  EXPECT_EQ(received, kEvents);

  bus.publish(transient("agent.001.keepalive", "late"));
  EXPECT_EQ(bus.stats().dropped, 1u);
  EXPECT_NO_THROW(bus.subscribe(">", [](const std::string&, const std::string&) {}));
}

TEST_F(BusNats, DestroyedSubscriptionReceivesNothingMore) {
  server_->start();
  NatsBus bus(options());
  Received kept, gone;
  auto keep = bus.subscribe("orders.*", kept.handler());
  auto drop = bus.subscribe("orders.*", gone.handler());
  bus.publish(transient("orders.pending", "1"));
  ASSERT_TRUE(eventually([&] { return kept.count() == 1 && gone.count() == 1; }));
  drop.reset();
  bus.publish(transient("orders.pending", "2"));
  ASSERT_TRUE(eventually([&] { return kept.count() == 2; }));
  EXPECT_EQ(gone.count(), 1u);
}

TEST_F(BusNats, SubscriptionMayOutliveTheBus) {
  server_->start();
  std::unique_ptr<Subscription> subscription;
  {
    NatsBus bus(options());
    subscription = bus.subscribe(">", [](const std::string&, const std::string&) {});
  }
  subscription.reset();
  SUCCEED();
}

TEST_F(BusNats, InvalidSubjectsAndPatternsAreRefused) {
  server_->start();
  NatsBus bus(options());
  bus.publish(transient("agent.my host.status", "{}"));
  bus.publish(transient("agent.*.status", "{}"));
  EXPECT_EQ(bus.stats().dropped, 2u);
  EXPECT_THROW(bus.subscribe("a.>.b", [](const std::string&, const std::string&) {}), std::invalid_argument);
}

}  // namespace
}  // namespace herald::bus
