#include "bus/local_bus.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "bus/handler_slot.h"
#include "bus/subject_match.h"

namespace herald::bus {

namespace {
struct Subscriber {
  Subscriber(std::string full_pattern, Handler handler) : pattern(std::move(full_pattern)), slot(std::move(handler)) {}
  const std::string pattern;  // with the prefix
  HandlerSlot slot;
};
}  // namespace

struct LocalBus::Registry {
  std::mutex mutex;
  std::vector<std::shared_ptr<Subscriber>> subscribers;

  std::vector<std::shared_ptr<Subscriber>> matching(const std::string& subject) {
    std::vector<std::shared_ptr<Subscriber>> found;
    std::lock_guard lock(mutex);
    for (const auto& subscriber : subscribers) {
      if (subject_matches(subscriber->pattern, subject)) found.push_back(subscriber);
    }
    return found;
  }

  void remove(const Subscriber* gone) {
    std::lock_guard lock(mutex);
    std::erase_if(subscribers, [&](const auto& subscriber) { return subscriber.get() == gone; });
  }
};

class LocalBus::LocalSubscription final : public Subscription {
 public:
  LocalSubscription(std::weak_ptr<Registry> registry, std::shared_ptr<Subscriber> subscriber)
      : registry_(std::move(registry)), subscriber_(std::move(subscriber)) {}

  ~LocalSubscription() override {
    if (auto registry = registry_.lock()) registry->remove(subscriber_.get());
    // A publish may have picked the subscriber up just before the removal: wait for it.
    subscriber_->slot.turn_off();
  }

 private:
  std::weak_ptr<Registry> registry_;
  std::shared_ptr<Subscriber> subscriber_;
};

LocalBus::LocalBus(std::string prefix) : prefix_(std::move(prefix)), registry_(std::make_shared<Registry>()) {}

LocalBus::~LocalBus() {
  close();
}

void LocalBus::publish(Event event) {
  if (closed_) {
    ++dropped_;
    return;
  }
  if (!is_valid_subject(event.subject)) {
    ++dropped_;
    // Once per bus: a bad subject is a programming error and would otherwise flood the log.
    if (!invalid_subject_logged_.exchange(true)) {
      spdlog::warn("event bus: dropped an event with an invalid subject \"{}\" (further ones are not logged)",
                   event.subject);
    }
    return;
  }
  auto subject = with_prefix(prefix_, event.subject);
  ++published_;
  // No lock is held while handlers run, so they may publish or (un)subscribe themselves.
  for (const auto& subscriber : registry_->matching(subject)) subscriber->slot.call(subject, event.payload);
}

std::unique_ptr<Subscription> LocalBus::subscribe(const std::string& pattern, Handler handler) {
  if (!is_valid_pattern(pattern)) throw std::invalid_argument("invalid subject pattern: \"" + pattern + "\"");
  auto subscriber = std::make_shared<Subscriber>(with_prefix(prefix_, pattern), std::move(handler));
  {
    std::lock_guard lock(registry_->mutex);
    registry_->subscribers.push_back(subscriber);
  }
  return std::make_unique<LocalSubscription>(registry_, std::move(subscriber));
}

BusStats LocalBus::stats() const {
  return {published_.load(), dropped_.load(), true};
}

void LocalBus::close() {
  closed_ = true;
}

}  // namespace herald::bus
