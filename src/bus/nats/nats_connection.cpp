#include "bus/nats/nats_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace herald::bus {

namespace {

// Outstanding JetStream acks before js_PublishMsgAsync stalls the worker.
constexpr std::int64_t kMaxPendingAcks = 4096;
// JetStream API requests (stream info, create, update).
constexpr std::int64_t kApiWaitMs = 2000;
// A half-open TCP link (server hung, cable pulled) is noticed after about 3 missed pings.
constexpr std::int64_t kPingIntervalMs = 10000;
constexpr int kMaxPingsOut = 3;

using StateHolder = std::shared_ptr<BusState>;

BusState& state_of(void* closure) {
  return **static_cast<StateHolder*>(closure);
}

void on_connected(natsConnection*, void* closure) {
  auto& state = state_of(closure);
  // setup_due first: once the worker sees `connected` it must also see that the stream needs a look.
  state.setup_due = true;
  state.connected = true;
  state.queue.wake();
}

void on_disconnected(natsConnection*, void* closure) {
  auto& state = state_of(closure);
  state.connected = false;
  state.queue.wake();
}

// The last callback libnats makes for a connection: it releases libnats's reference to the state.
void on_closed(natsConnection*, void* closure) {
  auto* holder = static_cast<StateHolder*>(closure);
  auto state = *holder;
  delete holder;
  state->connected = false;
  {
    std::lock_guard lock(state->closed_mutex);
    state->connection_closed = true;
  }
  state->closed_signal.notify_all();
  state->queue.wake();
}

void on_async_error(natsConnection*, natsSubscription* subscription, natsStatus error, void*) {
  const char* subject = subscription != nullptr ? natsSubscription_GetSubject(subscription) : nullptr;
  spdlog::warn("NATS: {}{}{}", natsStatus_GetText(error), subject != nullptr ? " on subscription " : "",
               subject != nullptr ? subject : "");
}

void on_ack(jsCtx*, natsMsg* message, jsPubAck*, jsPubAckErr* failure, void* closure) {
  auto& state = *static_cast<BusState*>(closure);
  if (failure == nullptr) {
    ++state.published;  // a duplicate (same Nats-Msg-Id) is stored once and counts as published too
    state.ack_failure_logged = false;
  } else {
    ++state.dropped;
    if (!state.ack_failure_logged.exchange(true)) {
      spdlog::warn(
          "NATS: JetStream did not store an event on {} ({}); counted as dropped, further failures "
          "are not logged until one succeeds",
          natsMsg_GetSubject(message), failure->ErrText != nullptr ? failure->ErrText : "no reason");
    }
  }
  natsMsg_Destroy(message);
}

std::int64_t milliseconds_until(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return std::max<std::int64_t>(1, left.count());  // libnats reads 0 as "no limit"
}

natsStatus configure(natsOptions* nats_options, const NatsBusOptions& options, StateHolder* holder) {
  natsStatus status = natsOptions_SetURL(nats_options, options.url.c_str());
  if (status == NATS_OK && !options.connection_name.empty()) {
    status = natsOptions_SetName(nats_options, options.connection_name.c_str());
  }
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(nats_options, -1);
  if (status == NATS_OK) status = natsOptions_SetReconnectWait(nats_options, options.reconnect_wait.count());
  if (status == NATS_OK) status = natsOptions_SetRetryOnFailedConnect(nats_options, true, on_connected, holder);
  if (status == NATS_OK) status = natsOptions_SetReconnectedCB(nats_options, on_connected, holder);
  if (status == NATS_OK) status = natsOptions_SetDisconnectedCB(nats_options, on_disconnected, holder);
  if (status == NATS_OK) status = natsOptions_SetClosedCB(nats_options, on_closed, holder);
  if (status == NATS_OK) status = natsOptions_SetErrorHandler(nats_options, on_async_error, nullptr);
  if (status == NATS_OK) status = natsOptions_SetPingInterval(nats_options, kPingIntervalMs);
  if (status == NATS_OK) status = natsOptions_SetMaxPingsOut(nats_options, kMaxPingsOut);
  return status;
}

std::string last_error(natsStatus status) {
  const char* detail = nats_GetLastError(nullptr);
  return (detail != nullptr && *detail != '\0') ? detail : natsStatus_GetText(status);
}

}  // namespace

NatsConnection::NatsConnection(const NatsBusOptions& options, std::shared_ptr<BusState> state)
    : state_(std::move(state)) {
  natsOptions* raw_options = nullptr;
  if (natsOptions_Create(&raw_options) != NATS_OK) {
    spdlog::error("NATS: cannot create connection options; every event will be dropped");
    return;
  }
  std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> nats_options(raw_options, &natsOptions_Destroy);
  auto* holder = new StateHolder(state_);  // libnats's reference, released by on_closed
  natsStatus status = configure(nats_options.get(), options, holder);
  if (status != NATS_OK) {
    spdlog::error("NATS: invalid connection options for {}: {}; every event will be dropped", options.url,
                  last_error(status));
    delete holder;
    return;
  }
  status = natsConnection_Connect(&connection_, nats_options.get());
  if (status == NATS_OK) {
    on_connected(connection_, holder);
  } else if (status != NATS_NOT_YET_CONNECTED) {
    // No connection object, so no closed callback: `holder` is deliberately leaked rather than
    // risk a callback libnats might still have queued.
    spdlog::error("NATS: cannot connect to {}: {}; every event will be dropped", options.url, last_error(status));
    connection_ = nullptr;
    return;
  }
  // Otherwise libnats keeps trying in the background and on_connected runs once it succeeds.

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = kApiWaitMs;
  js_options.PublishAsync.MaxPending = kMaxPendingAcks;
  js_options.PublishAsync.AckHandler = on_ack;
  // Not a holder: close() waits until no ack handler runs before the state can go.
  js_options.PublishAsync.AckHandlerClosure = state_.get();
  status = natsConnection_JetStream(&jetstream_, connection_, &js_options);
  if (status != NATS_OK) {
    spdlog::error("NATS: cannot create a JetStream context: {}; durable events will be dropped", last_error(status));
    jetstream_ = nullptr;
  }
}

NatsConnection::~NatsConnection() {
  close(std::chrono::steady_clock::now() + std::chrono::seconds(2));
}

void NatsConnection::settle_acks(std::chrono::steady_clock::time_point deadline) {
  jsPubOptions wait;
  jsPubOptions_Init(&wait);
  wait.MaxWait = milliseconds_until(deadline);
  if (js_PublishAsyncComplete(jetstream_, &wait) == NATS_OK) return;
  // Out of time: the events still waiting for an ack are given up on, and counted.
  natsMsgList pending;
  if (js_PublishAsyncGetPendingList(&pending, jetstream_) == NATS_OK) {
    state_->dropped += static_cast<std::uint64_t>(pending.Count);
    natsMsgList_Destroy(&pending);
  }
  // An ack handler may be running for a message already taken off the pending list; libnats
  // counts it until the handler returns, so this waits for exactly that.
  wait.MaxWait = 1000;
  js_PublishAsyncComplete(jetstream_, &wait);
}

void NatsConnection::close(std::chrono::steady_clock::time_point deadline) {
  if (connection_ == nullptr) return;
  if (jetstream_ != nullptr) settle_acks(deadline);
  if (state_->connected) natsConnection_FlushTimeout(connection_, milliseconds_until(deadline));
  natsConnection_Close(connection_);
  {
    // Bounded: the state stays valid for a late callback anyway (libnats holds a reference).
    std::unique_lock lock(state_->closed_mutex);
    state_->closed_signal.wait_for(lock, std::chrono::seconds(2), [&] { return state_->connection_closed; });
  }
  jsCtx_Destroy(jetstream_);
  jetstream_ = nullptr;
  natsConnection_Destroy(connection_);
  connection_ = nullptr;
  state_->connected = false;
}

}  // namespace herald::bus
