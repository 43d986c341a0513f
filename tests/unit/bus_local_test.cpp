// Subject rules shared by both buses, and the in-process LocalBus.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bus/local_bus.h"
#include "bus/subject_match.h"

namespace herald::bus {
namespace {

TEST(BusSubjectMatch, LiteralPatternsMatchOnlyThemselves) {
  EXPECT_TRUE(subject_matches("wazuh.agent.001.status", "wazuh.agent.001.status"));
  EXPECT_FALSE(subject_matches("wazuh.agent.001.status", "wazuh.agent.002.status"));
  EXPECT_FALSE(subject_matches("wazuh.agent", "wazuh.agent.001"));
  EXPECT_FALSE(subject_matches("wazuh.agent.001", "wazuh.agent"));
  // Tokens compare whole: a shared prefix is not a match.
  EXPECT_FALSE(subject_matches("wazuh.agent.00", "wazuh.agent.001"));
}

TEST(BusSubjectMatch, StarMatchesExactlyOneToken) {
  EXPECT_TRUE(subject_matches("agent.*.status", "agent.001.status"));
  EXPECT_TRUE(subject_matches("*", "agent"));
  EXPECT_TRUE(subject_matches("*.*", "a.b"));
  EXPECT_FALSE(subject_matches("agent.*.status", "agent.status"));
  EXPECT_FALSE(subject_matches("agent.*.status", "agent.001.x.status"));
  EXPECT_FALSE(subject_matches("agent.*", "agent.001.status"));
  EXPECT_FALSE(subject_matches("*", "a.b"));
}

TEST(BusSubjectMatch, GreaterThanMatchesOneOrMoreTrailingTokens) {
  EXPECT_TRUE(subject_matches("orders.>", "orders.success"));
  EXPECT_TRUE(subject_matches("orders.>", "orders.a.b.c"));
  EXPECT_TRUE(subject_matches(">", "anything.at.all"));
  EXPECT_TRUE(subject_matches("agent.*.>", "agent.001.status"));
  EXPECT_FALSE(subject_matches("orders.>", "orders"));  // as in NATS: ">" needs at least one token
  EXPECT_FALSE(subject_matches("orders.>", "order.success"));
  EXPECT_FALSE(subject_matches("agent.*.>", "agent.001"));
}

TEST(BusSubjectMatch, ValidSubjectsHaveNonEmptyTokensAndNoWildcardsOrSpaces) {
  EXPECT_TRUE(is_valid_subject("agent.001.status"));
  EXPECT_TRUE(is_valid_subject("a"));
  EXPECT_TRUE(is_valid_subject("a*b.c>d"));  // wildcards count only as whole tokens
  EXPECT_FALSE(is_valid_subject(""));
  EXPECT_FALSE(is_valid_subject(".a"));
  EXPECT_FALSE(is_valid_subject("a."));
  EXPECT_FALSE(is_valid_subject("a..b"));
  EXPECT_FALSE(is_valid_subject("agent.*.status"));
  EXPECT_FALSE(is_valid_subject("orders.>"));
  EXPECT_FALSE(is_valid_subject("agent.my host.status"));  // would split the NATS protocol line
  EXPECT_FALSE(is_valid_subject("agent.a\tb"));
  EXPECT_FALSE(is_valid_subject("agent.a\r\nPUB x 1"));
}

TEST(BusSubjectMatch, ValidPatternsAllowWildcardsWhereNatsDoes) {
  EXPECT_TRUE(is_valid_pattern("agent.*.status"));
  EXPECT_TRUE(is_valid_pattern("orders.>"));
  EXPECT_TRUE(is_valid_pattern(">"));
  EXPECT_TRUE(is_valid_pattern("*.*"));
  EXPECT_FALSE(is_valid_pattern("orders.>.x"));  // ">" only last
  EXPECT_FALSE(is_valid_pattern(""));
  EXPECT_FALSE(is_valid_pattern("a..>"));
  EXPECT_FALSE(is_valid_pattern("a b"));
}

TEST(BusSubjectMatch, PrefixIsJoinedWithADotUnlessEmpty) {
  EXPECT_EQ(with_prefix("wazuh", "agent.1.status"), "wazuh.agent.1.status");
  EXPECT_EQ(with_prefix("", "agent.1.status"), "agent.1.status");
  EXPECT_EQ(with_prefix("a.b", ">"), "a.b.>");
}

// Collects what a handler receives; safe from any thread.
class Received {
 public:
  Handler handler() {
    return [this](const std::string& subject, const std::string& payload) {
      std::lock_guard lock(mutex_);
      events_.emplace_back(subject, payload);
    };
  }
  std::vector<std::pair<std::string, std::string>> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<std::string> subjects() const {
    std::vector<std::string> subjects;
    for (const auto& [subject, payload] : events()) subjects.push_back(subject);
    return subjects;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> events_;
};

Event event(std::string subject, std::string payload = "{}") {
  Event event;
  event.subject = std::move(subject);
  event.payload = std::move(payload);
  return event;
}

TEST(BusLocal, HandlersGetTheFullSubjectAndPayloadBeforePublishReturns) {
  LocalBus bus;
  Received received;
  auto subscription = bus.subscribe("agent.*.status", received.handler());
  bus.publish(event("agent.001.status", R"({"status":"active"})"));
  auto events = received.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].first, "wazuh.agent.001.status");
  EXPECT_EQ(events[0].second, R"({"status":"active"})");
  EXPECT_EQ(bus.stats().published, 1u);
  EXPECT_EQ(bus.stats().dropped, 0u);
  EXPECT_TRUE(bus.stats().connected);
}

TEST(BusLocal, PatternsAreRelativeToTheConfiguredPrefix) {
  LocalBus bus("herald.node01");
  EXPECT_EQ(bus.prefix(), "herald.node01");
  Received everything, orders;
  auto all = bus.subscribe(">", everything.handler());
  auto order_events = bus.subscribe("orders.>", orders.handler());
  bus.publish(event("orders.success"));
  bus.publish(event("agent.001.keepalive"));
  EXPECT_EQ(everything.subjects(),
            (std::vector<std::string>{"herald.node01.orders.success", "herald.node01.agent.001.keepalive"}));
  EXPECT_EQ(orders.subjects(), std::vector<std::string>{"herald.node01.orders.success"});
}

TEST(BusLocal, EmptyPrefixUsesSubjectsAsGiven) {
  LocalBus bus("");
  Received received;
  auto subscription = bus.subscribe("agent.>", received.handler());
  bus.publish(event("agent.001.status"));
  EXPECT_EQ(received.subjects(), std::vector<std::string>{"agent.001.status"});
}

TEST(BusLocal, WildcardsSelectOnlyMatchingSubjects) {
  LocalBus bus;
  Received statuses, agent_one;
  auto a = bus.subscribe("agent.*.status", statuses.handler());
  auto b = bus.subscribe("agent.001.>", agent_one.handler());
  bus.publish(event("agent.001.status"));
  bus.publish(event("agent.002.status"));
  bus.publish(event("agent.001.keepalive"));
  bus.publish(event("agent.001"));
  bus.publish(event("orders.pending"));
  EXPECT_EQ(statuses.subjects(), (std::vector<std::string>{"wazuh.agent.001.status", "wazuh.agent.002.status"}));
  EXPECT_EQ(agent_one.subjects(), (std::vector<std::string>{"wazuh.agent.001.status", "wazuh.agent.001.keepalive"}));
  EXPECT_EQ(bus.stats().published, 5u);  // published counts events, not deliveries
}

TEST(BusLocal, DestroyingTheSubscriptionUnsubscribes) {
  LocalBus bus;
  Received kept, gone;
  auto keep = bus.subscribe(">", kept.handler());
  auto drop = bus.subscribe(">", gone.handler());
  bus.publish(event("a"));
  drop.reset();
  bus.publish(event("b"));
  EXPECT_EQ(kept.subjects(), (std::vector<std::string>{"wazuh.a", "wazuh.b"}));
  EXPECT_EQ(gone.subjects(), std::vector<std::string>{"wazuh.a"});
}

TEST(BusLocal, InvalidSubjectsAreDroppedAndCountedNotDelivered) {
  LocalBus bus;
  Received received;
  auto subscription = bus.subscribe(">", received.handler());
  bus.publish(event(""));
  bus.publish(event("agent..status"));
  bus.publish(event("agent.*.status"));
  bus.publish(event("agent.my host.status"));
  EXPECT_TRUE(received.events().empty());
  EXPECT_EQ(bus.stats().dropped, 4u);
  EXPECT_EQ(bus.stats().published, 0u);
}

TEST(BusLocal, InvalidPatternIsRejected) {
  LocalBus bus;
  EXPECT_THROW(bus.subscribe("orders.>.x", [](const std::string&, const std::string&) {}), std::invalid_argument);
  EXPECT_THROW(bus.subscribe("", [](const std::string&, const std::string&) {}), std::invalid_argument);
}

TEST(BusLocal, AfterCloseEventsAreDroppedAndCloseIsIdempotent) {
  LocalBus bus;
  Received received;
  auto subscription = bus.subscribe(">", received.handler());
  bus.close();
  bus.close();
  bus.publish(event("a"));
  EXPECT_TRUE(received.events().empty());
  EXPECT_EQ(bus.stats().dropped, 1u);
}

TEST(BusLocal, HandlersMayPublishSubscribeAndUnsubscribeThemselves) {
  LocalBus bus;
  Received echoes;
  auto echo_subscription = bus.subscribe("echo", echoes.handler());
  std::unique_ptr<Subscription> self;
  std::unique_ptr<Subscription> late;
  int calls = 0;
  self = bus.subscribe("ping", [&](const std::string&, const std::string&) {
    ++calls;
    bus.publish(event("echo"));  // nested publish: no lock is held
    late = bus.subscribe("late", echoes.handler());
    self.reset();  // unsubscribing from inside the handler must not deadlock
  });
  bus.publish(event("ping"));
  bus.publish(event("ping"));
  bus.publish(event("late"));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(echoes.subjects(), (std::vector<std::string>{"wazuh.echo", "wazuh.late"}));
}

TEST(BusLocal, SubscriptionMayOutliveTheBus) {
  Received received;
  std::unique_ptr<Subscription> subscription;
  {
    LocalBus bus;
    subscription = bus.subscribe(">", received.handler());
  }
  subscription.reset();  // must not touch the destroyed bus
  SUCCEED();
}

// Once ~Subscription returns, its handler is not running on another thread and never runs again,
// so whatever the handler captured may be destroyed.
TEST(BusLocal, UnsubscribeWaitsForAHandlerRunningOnAnotherThread) {
  LocalBus bus;
  std::promise<void> entered;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  std::atomic<bool> finished{false};
  auto subscription = bus.subscribe("slow", [&](const std::string&, const std::string&) {
    entered.set_value();
    release_future.wait();
    finished = true;
  });
  std::thread publisher([&] { bus.publish(event("slow")); });
  entered.get_future().wait();
  std::thread unsubscriber([&] {
    subscription.reset();
    EXPECT_TRUE(finished.load());  // reset() returned only after the handler did
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // give reset() a chance to return early (it must not)
  release.set_value();
  publisher.join();
  unsubscriber.join();
}

TEST(BusLocal, ConcurrentPublishersAndSubscribersAreSafe) {
  LocalBus bus;
  std::atomic<int> delivered{0};
  auto counter = bus.subscribe("load.>", [&](const std::string&, const std::string&) { ++delivered; });
  constexpr int kThreads = 4;
  constexpr int kEventsPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEventsPerThread; ++i) bus.publish(event("load." + std::to_string(t)));
    });
  }
  // Churn subscriptions meanwhile.
  threads.emplace_back([&] {
    for (int i = 0; i < 500; ++i) auto churn = bus.subscribe("load.*", [](const std::string&, const std::string&) {});
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(delivered.load(), kThreads * kEventsPerThread);
  EXPECT_EQ(bus.stats().published, static_cast<std::uint64_t>(kThreads * kEventsPerThread));
}

TEST(BusLocal, AThrowingHandlerDoesNotReachThePublisherOrOtherHandlers) {
  LocalBus bus;
  Received received;
  auto thrower = bus.subscribe(">", [](const std::string&, const std::string&) { throw std::runtime_error("boom"); });
  auto other = bus.subscribe(">", received.handler());
  EXPECT_NO_THROW(bus.publish(event("a")));
  EXPECT_EQ(received.subjects(), std::vector<std::string>{"wazuh.a"});
}

}  // namespace
}  // namespace herald::bus
