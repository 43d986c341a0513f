#include "bus/nats/nats_durable_stream.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bus/nats/outage_log.h"
#include "bus/nats/stream_setup.h"

namespace herald::bus {

struct NatsDurableStream::Shared {
  std::mutex mutex;
  std::condition_variable changed;
  bool consumers_stopping = false;
  bool closing = false;
  bool setup_due = false;
  std::uint64_t stream_generation = 0;  // bumped by every successful stream set-up
  std::atomic<bool> connected{false};
  std::string prefix;  // "<prefix>."
  PublishOutcome outcome;
  bool connection_closed = false;  // libnats's last callback ran
};

struct NatsDurableStream::Consumer {
  std::string subject;  // full, with the prefix
  std::string durable;
  DurableHandler handler;
  natsSubscription* subscription = nullptr;
  std::uint64_t bound_generation = 0;
  bool failure_logged = false;
  std::thread thread;
};

namespace {

using SharedHolder = std::shared_ptr<NatsDurableStream::Shared>;

constexpr std::int64_t kApiWaitMs = 2000;
constexpr std::int64_t kMaxPendingPublishes = 8192;
// A publisher finding kMaxPendingPublishes in flight waits this long, then gives the message back.
constexpr std::int64_t kStallWaitMs = 20;
constexpr std::int64_t kFetchWaitMs = 500;  // also how soon stop_consuming() is noticed
constexpr std::int64_t kNakDelayMs = 1000;
constexpr std::chrono::milliseconds kRetryDelay{1000};

NatsDurableStream::Shared& shared_of(void* closure) {
  return **static_cast<SharedHolder*>(closure);
}

void on_connected(natsConnection*, void* closure) {
  auto& shared = shared_of(closure);
  {
    std::lock_guard lock(shared.mutex);
    shared.setup_due = true;
    shared.connected = true;
  }
  shared.changed.notify_all();
}

void on_disconnected(natsConnection*, void* closure) {
  auto& shared = shared_of(closure);
  {
    std::lock_guard lock(shared.mutex);
    shared.connected = false;
  }
  shared.changed.notify_all();
}

void on_closed(natsConnection*, void* closure) {
  auto* holder = static_cast<SharedHolder*>(closure);
  auto shared = *holder;
  delete holder;
  {
    std::lock_guard lock(shared->mutex);
    shared->connected = false;
    shared->connection_closed = true;
  }
  shared->changed.notify_all();
}

std::string_view relative(std::string_view subject, const std::string& prefix) {
  if (subject.starts_with(prefix)) subject.remove_prefix(prefix.size());
  return subject;
}

void on_ack(jsCtx*, natsMsg* message, jsPubAck*, jsPubAckErr* failure, void* closure) {
  auto& shared = *static_cast<NatsDurableStream::Shared*>(closure);
  if (shared.outcome) {
    std::string_view data(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
    shared.outcome(failure == nullptr, relative(natsMsg_GetSubject(message), shared.prefix), data);
  }
  natsMsg_Destroy(message);
}

std::string last_error(natsStatus status) {
  const char* detail = nats_GetLastError(nullptr);
  return (detail != nullptr && *detail != '\0') ? detail : natsStatus_GetText(status);
}

std::int64_t nanoseconds(std::chrono::milliseconds value) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(value).count();
}

class NatsDurableMessage final : public DurableMessage {
 public:
  explicit NatsDurableMessage(natsMsg* message) : message_(message) {
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, message_) == NATS_OK) {
      deliveries_ = meta->NumDelivered;
      jsMsgMetaData_Destroy(meta);
    }
  }
  ~NatsDurableMessage() override { natsMsg_Destroy(message_); }
  NatsDurableMessage(const NatsDurableMessage&) = delete;
  NatsDurableMessage& operator=(const NatsDurableMessage&) = delete;

  std::string_view data() const override {
    return {natsMsg_GetData(message_), static_cast<std::size_t>(natsMsg_GetDataLength(message_))};
  }
  std::uint64_t delivery_count() const override { return deliveries_; }
  // A lost ack (link down) only means the message comes again: the consumer is at-least-once.
  void ack() override {
    if (!settled_.exchange(true)) natsMsg_Ack(message_, nullptr);
  }
  void nak() override {
    if (!settled_.exchange(true)) natsMsg_NakWithDelay(message_, kNakDelayMs, nullptr);
  }

 private:
  natsMsg* message_;
  std::uint64_t deliveries_ = 1;
  std::atomic<bool> settled_{false};
};

}  // namespace

NatsDurableStream::NatsDurableStream(NatsDurableStreamOptions options)
    : options_(std::move(options)), shared_(std::make_shared<Shared>()) {
  shared_->prefix = options_.prefix + ".";
  natsOptions* raw_options = nullptr;
  if (natsOptions_Create(&raw_options) != NATS_OK) {
    spdlog::error("NATS stream {}: cannot create connection options", options_.stream_name);
    return;
  }
  std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> nats_options(raw_options, &natsOptions_Destroy);
  auto* holder = new SharedHolder(shared_);  // libnats's reference, released by on_closed
  natsStatus status = natsOptions_SetURL(raw_options, options_.url.c_str());
  if (status == NATS_OK && !options_.connection_name.empty()) {
    status = natsOptions_SetName(raw_options, options_.connection_name.c_str());
  }
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(raw_options, -1);
  if (status == NATS_OK) status = natsOptions_SetReconnectWait(raw_options, options_.reconnect_wait.count());
  if (status == NATS_OK) status = natsOptions_SetRetryOnFailedConnect(raw_options, true, on_connected, holder);
  if (status == NATS_OK) status = natsOptions_SetReconnectedCB(raw_options, on_connected, holder);
  if (status == NATS_OK) status = natsOptions_SetDisconnectedCB(raw_options, on_disconnected, holder);
  if (status == NATS_OK) status = natsOptions_SetClosedCB(raw_options, on_closed, holder);
  if (status != NATS_OK) {
    spdlog::error("NATS stream {}: invalid connection options for {}: {}", options_.stream_name,
                  url_for_logs(options_.url), last_error(status));
    delete holder;
    return;
  }
  status = natsConnection_Connect(&connection_, raw_options);
  if (status == NATS_OK) {
    on_connected(connection_, holder);
  } else if (status != NATS_NOT_YET_CONNECTED) {
    // No connection object, so no closed callback: `holder` is leaked rather than risk a late one.
    spdlog::error("NATS stream {}: cannot connect to {}: {}", options_.stream_name, url_for_logs(options_.url),
                  last_error(status));
    connection_ = nullptr;
    return;
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = kApiWaitMs;
  js_options.PublishAsync.MaxPending = kMaxPendingPublishes;
  js_options.PublishAsync.StallWait = kStallWaitMs;
  js_options.PublishAsync.AckHandler = on_ack;
  js_options.PublishAsync.AckHandlerClosure = shared_.get();  // close() settles acks before it goes
  if (status = natsConnection_JetStream(&jetstream_, connection_, &js_options); status != NATS_OK) {
    spdlog::error("NATS stream {}: cannot create a JetStream context: {}", options_.stream_name, last_error(status));
    jetstream_ = nullptr;
  }
}

NatsDurableStream::~NatsDurableStream() {
  close();
}

void NatsDurableStream::set_publish_outcome(PublishOutcome outcome) {
  shared_->outcome = std::move(outcome);
}

bool NatsDurableStream::connected() const {
  return shared_->connected.load();
}

bool NatsDurableStream::publish(const std::string& relative_subject, std::string_view data) {
  if (jetstream_ == nullptr || !shared_->connected) return false;
  const std::string subject = shared_->prefix + relative_subject;
  natsMsg* message = nullptr;
  natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, data.data(), static_cast<int>(data.size()));
  if (status == NATS_OK) {
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = options_.publish_ack_wait.count();
    status = js_PublishMsgAsync(jetstream_, &message, &options);
  }
  natsMsg_Destroy(message);  // no-op once libnats took it
  return status == NATS_OK;
}

void NatsDurableStream::consume(const std::string& relative_subject, const std::string& durable_name,
                                DurableHandler handler) {
  auto consumer = std::make_unique<Consumer>();
  consumer->subject = options_.prefix + "." + relative_subject;
  consumer->durable = durable_name;
  consumer->handler = std::move(handler);
  consumers_.push_back(std::move(consumer));
}

void NatsDurableStream::start() {
  if (started_ || connection_ == nullptr || jetstream_ == nullptr) return;
  started_ = true;
  setup_thread_ = std::thread([this] { run_setup(); });
  for (auto& consumer : consumers_) consumer->thread = std::thread([this, &c = *consumer] { run_consumer(c); });
}

bool NatsDurableStream::wait_for_retry(std::chrono::milliseconds delay) {
  std::unique_lock lock(shared_->mutex);
  return !shared_->changed.wait_for(lock, delay, [&] { return shared_->consumers_stopping; });
}

// Runs ensure_stream after every (re)connect: the server may have come back without its store.
void NatsDurableStream::run_setup() {
  StreamSpec spec{options_.stream_name, {}, options_.max_age, std::chrono::seconds(120), options_.max_bytes};
  for (const auto& subject : options_.subjects) spec.subjects.push_back(options_.prefix + "." + subject);
  bool failure_logged = false;
  for (;;) {
    {
      std::unique_lock lock(shared_->mutex);
      shared_->changed.wait(lock, [&] { return shared_->closing || (shared_->setup_due && shared_->connected); });
      if (shared_->closing) return;
      shared_->setup_due = false;
    }
    auto outcome = ensure_stream(jetstream_, spec);
    std::unique_lock lock(shared_->mutex);
    if (outcome) {
      ++shared_->stream_generation;
      if (*outcome != StreamSetup::unchanged || failure_logged) {
        spdlog::info("NATS stream {}: {}", options_.stream_name,
                     *outcome == StreamSetup::created   ? "created"
                     : *outcome == StreamSetup::updated ? "updated"
                                                        : "ready");
      }
      failure_logged = false;
      lock.unlock();
      shared_->changed.notify_all();
      continue;
    }
    if (!failure_logged) {
      failure_logged = true;
      spdlog::warn("NATS stream {}: {}; retrying every second", options_.stream_name, outcome.error().message);
    }
    shared_->setup_due = true;
    shared_->changed.wait_for(lock, kRetryDelay, [&] { return shared_->closing; });
  }
}

// Creates the durable consumer if absent, then binds a pull subscription to it.
bool NatsDurableStream::bind(Consumer& consumer) {
  const char* stream = options_.stream_name.c_str();
  jsConsumerInfo* info = nullptr;
  jsErrCode error_code = static_cast<jsErrCode>(0);
  natsStatus status = js_GetConsumerInfo(&info, jetstream_, stream, consumer.durable.c_str(), nullptr, &error_code);
  jsConsumerConfig config;
  jsConsumerConfig_Init(&config);
  config.Durable = consumer.durable.c_str();
  config.FilterSubject = consumer.subject.c_str();
  config.AckPolicy = js_AckExplicit;
  config.DeliverPolicy = js_DeliverAll;
  config.AckWait = nanoseconds(options_.ack_wait);
  config.MaxAckPending = options_.max_ack_pending;
  if (status == NATS_NOT_FOUND || error_code == JSConsumerNotFoundErr) {
    jsConsumerInfo_Destroy(info);
    info = nullptr;
    status = js_AddConsumer(&info, jetstream_, stream, &config, nullptr, &error_code);
  } else if (status == NATS_OK && info->Config != nullptr &&
             (info->Config->AckWait != config.AckWait || info->Config->MaxAckPending != config.MaxAckPending)) {
    // The operator changed analysis.stream_ack_wait: the existing consumer keeps its position.
    jsConsumerInfo_Destroy(info);
    info = nullptr;
    status = js_UpdateConsumer(&info, jetstream_, stream, &config, nullptr, &error_code);
  }
  jsConsumerInfo_Destroy(info);
  if (status == NATS_OK) {
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = stream;
    sub_options.Consumer = consumer.durable.c_str();
    status = js_PullSubscribe(&consumer.subscription, jetstream_, consumer.subject.c_str(), consumer.durable.c_str(),
                              nullptr, &sub_options, &error_code);
  }
  if (status != NATS_OK) {
    consumer.subscription = nullptr;
    if (!consumer.failure_logged) {
      consumer.failure_logged = true;
      spdlog::warn("NATS stream {}: cannot consume {} as {}: {}; retrying every second", options_.stream_name,
                   consumer.subject, consumer.durable, last_error(status));
    }
    return false;
  }
  consumer.failure_logged = false;
  return true;
}

void NatsDurableStream::run_consumer(Consumer& consumer) {
  for (;;) {
    std::uint64_t generation = 0;
    {
      std::unique_lock lock(shared_->mutex);
      shared_->changed.wait(
          lock, [&] { return shared_->consumers_stopping || (shared_->stream_generation > 0 && shared_->connected); });
      if (shared_->consumers_stopping) return;
      generation = shared_->stream_generation;
    }
    // The stream was set up again (a reconnect): the consumer may be gone with the server's store.
    if (consumer.subscription != nullptr && consumer.bound_generation != generation) {
      natsSubscription_Destroy(consumer.subscription);
      consumer.subscription = nullptr;
    }
    if (consumer.subscription == nullptr) {
      if (!bind(consumer)) {
        if (!wait_for_retry(kRetryDelay)) return;
        continue;
      }
      consumer.bound_generation = generation;
    }
    natsMsgList list{nullptr, 0};
    jsErrCode error_code = static_cast<jsErrCode>(0);
    natsStatus status =
        natsSubscription_Fetch(&list, consumer.subscription, options_.fetch_batch, kFetchWaitMs, &error_code);
    if (status == NATS_OK) {
      for (int i = 0; i < list.Count; ++i) {
        natsMsg* message = list.Msgs[i];
        list.Msgs[i] = nullptr;  // owned by the DurableMessage from here
        consumer.handler(std::make_shared<NatsDurableMessage>(message));
      }
      natsMsgList_Destroy(&list);
      continue;
    }
    natsMsgList_Destroy(&list);
    if (status == NATS_TIMEOUT) continue;  // nothing new
    if (shared_->connected && !consumer.failure_logged) {
      consumer.failure_logged = true;
      spdlog::warn("NATS stream {}: fetching {} failed: {}; binding again", options_.stream_name, consumer.durable,
                   last_error(status));
    }
    natsSubscription_Destroy(consumer.subscription);
    consumer.subscription = nullptr;
    if (!wait_for_retry(kRetryDelay)) return;
  }
}

void NatsDurableStream::stop_consuming() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->consumers_stopping = true;
  }
  shared_->changed.notify_all();
  for (auto& consumer : consumers_) {
    if (consumer->thread.joinable()) consumer->thread.join();
  }
}

void NatsDurableStream::close() {
  if (closed_) return;
  closed_ = true;
  stop_consuming();
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
  }
  shared_->changed.notify_all();
  if (setup_thread_.joinable()) setup_thread_.join();
  if (connection_ == nullptr) return;
  if (jetstream_ != nullptr) {
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = 2000;
    if (js_PublishAsyncComplete(jetstream_, &wait) != NATS_OK) {
      // Out of time: what is still unacknowledged is reported as not stored.
      natsMsgList pending;
      if (js_PublishAsyncGetPendingList(&pending, jetstream_) == NATS_OK) {
        for (int i = 0; i < pending.Count; ++i) {
          std::string_view data(natsMsg_GetData(pending.Msgs[i]),
                                static_cast<std::size_t>(natsMsg_GetDataLength(pending.Msgs[i])));
          if (shared_->outcome)
            shared_->outcome(false, relative(natsMsg_GetSubject(pending.Msgs[i]), shared_->prefix), data);
        }
        natsMsgList_Destroy(&pending);
      }
      wait.MaxWait = 1000;
      js_PublishAsyncComplete(jetstream_, &wait);  // an ack handler still running
    }
  }
  for (auto& consumer : consumers_) {
    if (consumer->subscription != nullptr) natsSubscription_Destroy(consumer->subscription);
    consumer->subscription = nullptr;
  }
  if (shared_->connected) natsConnection_FlushTimeout(connection_, 2000);  // the last acks
  natsConnection_Close(connection_);
  {
    std::unique_lock lock(shared_->mutex);
    shared_->changed.wait_for(lock, std::chrono::seconds(2), [&] { return shared_->connection_closed; });
  }
  jsCtx_Destroy(jetstream_);
  jetstream_ = nullptr;
  natsConnection_Destroy(connection_);
  connection_ = nullptr;
}

}  // namespace herald::bus
