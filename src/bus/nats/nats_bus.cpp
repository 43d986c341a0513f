#include "bus/nats/nats_bus.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "bus/nats/bus_state.h"
#include "bus/nats/nats_connection.h"
#include "bus/nats/nats_subscription.h"
#include "bus/nats/stream_setup.h"
#include "bus/subject_match.h"

namespace herald::bus {

namespace {
using Clock = std::chrono::steady_clock;

// Budget for close(): sending what is queued plus waiting for JetStream acks.
constexpr std::chrono::seconds kCloseBudget{2};
// While the server is up but the stream cannot be set up (JetStream off, subjects taken by
// another stream), try again this often.
constexpr std::chrono::seconds kStreamRetry{5};
// How long the worker sleeps when nothing is scheduled; events and link changes wake it earlier.
constexpr std::chrono::hours kIdleWait{1};
}  // namespace

NatsBus::NatsBus(NatsBusOptions options)
    : options_(std::move(options)),
      state_(std::make_shared<BusState>(options_.queue_capacity)),
      outage_log_(url_for_logs(options_.url)) {
  if (!options_.prefix.empty() && !is_valid_subject(options_.prefix)) {
    spdlog::error("NATS: invalid subject prefix \"{}\": every event will be refused by the server", options_.prefix);
  }
  for (const auto& pattern : options_.durable_subjects) {
    if (!is_valid_pattern(pattern)) spdlog::error("NATS: invalid durable subject pattern \"{}\"", pattern);
  }
  connection_ = std::make_unique<NatsConnection>(options_, state_);
  state_->queue.wake();  // the worker reports the initial link state (e.g. unreachable) at once
  worker_ = std::thread([this] { run_worker(); });
}

NatsBus::~NatsBus() {
  close();
}

void NatsBus::publish(Event event) {
  if (!is_valid_subject(event.subject)) {
    ++state_->dropped;
    // Once per bus: a bad subject is a programming error and would otherwise flood the log.
    if (!invalid_subject_logged_.exchange(true)) {
      spdlog::warn("NATS: dropped an event with an invalid subject \"{}\" (further ones are not logged)",
                   event.subject);
    }
    return;
  }
  if (state_->queue.push(std::move(event))) return;
  ++state_->dropped;
  if (!state_->queue.closed() && !queue_full_logged_.exchange(true)) {
    spdlog::warn("NATS: the event queue is full ({} events); dropping events until it drains", options_.queue_capacity);
  }
}

std::unique_ptr<Subscription> NatsBus::subscribe(const std::string& pattern, Handler handler) {
  if (!is_valid_pattern(pattern)) throw std::invalid_argument("invalid subject pattern: \"" + pattern + "\"");
  std::lock_guard lock(lifecycle_mutex_);
  natsConnection* connection = closed_ ? nullptr : connection_->connection();
  return NatsSubscription::start(connection, with_prefix(options_.prefix, pattern), std::move(handler));
}

BusStats NatsBus::stats() const {
  return {state_->published.load(), state_->dropped.load(), state_->connected.load()};
}

void NatsBus::close() {
  std::lock_guard lock(lifecycle_mutex_);
  if (closed_) return;
  closed_ = true;
  auto deadline = Clock::now() + kCloseBudget;
  close_deadline_ = deadline;
  state_->queue.close();
  if (worker_.joinable()) worker_.join();
  state_->dropped += state_->queue.take_all(Clock::now()).size();  // none expected; never lose count
  connection_->close(deadline);
}

void NatsBus::run_worker() {
  for (;;) {
    bool stream_retry = !stream_ready_ && state_->connected && connection_->jetstream() != nullptr;
    auto until = stream_retry ? next_stream_attempt_ : Clock::now() + kIdleWait;
    // Read before taking: if the queue was already closed, nothing can arrive after this take, so
    // an empty batch means everything has been handled.
    bool closing = state_->queue.closed();
    auto batch = state_->queue.take_all(until);
    if (!batch.empty()) queue_full_logged_ = false;
    outage_log_.observe(state_->connected, state_->dropped);
    set_up_stream_if_due();
    for (auto& event : batch) deliver(event);
    if (closing && batch.empty()) return;
  }
}

void NatsBus::deliver(Event& event) {
  if (past_close_deadline() || !state_->connected) {
    ++state_->dropped;
    outage_log_.observe(state_->connected, state_->dropped);
    return;
  }
  auto subject = with_prefix(options_.prefix, event.subject);
  if (event.durability == Durability::transient || connection_->jetstream() == nullptr) {
    publish_transient(subject, event);
    return;
  }
  if (!covered_by_stream(event.subject)) {
    if (!uncovered_subject_logged_) {
      uncovered_subject_logged_ = true;
      spdlog::warn("NATS: durable event on {} is outside stream {}'s subjects; sent on core NATS (logged once)",
                   subject, options_.stream_name);
    }
    publish_transient(subject, event);
    return;
  }
  set_up_stream_if_due();  // a reconnect may have happened since this batch was taken
  publish_durable(subject, event);
}

void NatsBus::publish_transient(const std::string& subject, const Event& event) {
  natsStatus status = natsConnection_Publish(connection_->connection(), subject.c_str(), event.payload.data(),
                                             static_cast<int>(event.payload.size()));
  if (status == NATS_OK) {
    ++state_->published;
    publish_failure_logged_ = false;
    return;
  }
  ++state_->dropped;
  if (!publish_failure_logged_) {
    publish_failure_logged_ = true;
    spdlog::warn(
        "NATS: cannot publish on {}: {}; counted as dropped, further failures are not logged until one "
        "succeeds",
        subject, natsStatus_GetText(status));
  }
}

void NatsBus::publish_durable(const std::string& subject, const Event& event) {
  natsMsg* message = nullptr;
  natsStatus status =
      natsMsg_Create(&message, subject.c_str(), nullptr, event.payload.data(), static_cast<int>(event.payload.size()));
  if (status == NATS_OK) {
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = NatsConnection::kAckWait.count();
    if (!event.message_id.empty()) options.MsgId = event.message_id.c_str();
    // NATS_TIMEOUT here means "too many acks outstanding" (the worker stalled 200 ms): keep
    // trying while the link is up; the queue in front absorbs publishers meanwhile.
    do {
      status = js_PublishMsgAsync(connection_->jetstream(), &message, &options);
    } while (status == NATS_TIMEOUT && state_->connected && !past_close_deadline());
  }
  natsMsg_Destroy(message);  // no-op once libnats took it; the ack handler counts it then
  if (status == NATS_OK) return;
  ++state_->dropped;
  if (!publish_failure_logged_) {
    publish_failure_logged_ = true;
    spdlog::warn(
        "NATS: cannot publish on {} to JetStream: {}; counted as dropped, further failures are not "
        "logged until one succeeds",
        subject, natsStatus_GetText(status));
  }
}

void NatsBus::set_up_stream_if_due() {
  auto* jetstream = connection_->jetstream();
  if (jetstream == nullptr || !state_->connected) return;
  auto now = Clock::now();
  bool due = state_->setup_due.exchange(false) || (!stream_ready_ && now >= next_stream_attempt_);
  if (!due) return;
  StreamSpec spec{options_.stream_name, {}, options_.max_age, options_.duplicate_window};
  for (const auto& pattern : options_.durable_subjects) spec.subjects.push_back(with_prefix(options_.prefix, pattern));
  auto result = ensure_stream(jetstream, spec);
  if (!result) {
    stream_ready_ = false;
    next_stream_attempt_ = now + kStreamRetry;
    if (!stream_failure_logged_) {
      stream_failure_logged_ = true;
      spdlog::warn(
          "NATS: cannot set up JetStream stream: {}; durable events will be dropped until it works "
          "(retrying every {} s)",
          result.error().message, kStreamRetry.count());
    }
    return;
  }
  stream_ready_ = true;
  stream_failure_logged_ = false;
  if (*result == StreamSetup::created) spdlog::info("NATS: created JetStream stream {}", spec.name);
  if (*result == StreamSetup::updated) spdlog::info("NATS: updated JetStream stream {}", spec.name);
}

bool NatsBus::covered_by_stream(const std::string& relative_subject) const {
  return std::any_of(options_.durable_subjects.begin(), options_.durable_subjects.end(),
                     [&](const std::string& pattern) { return subject_matches(pattern, relative_subject); });
}

bool NatsBus::past_close_deadline() const {
  return Clock::now() > close_deadline_.load();
}

}  // namespace herald::bus
