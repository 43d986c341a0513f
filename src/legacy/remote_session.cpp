#include "legacy/remote_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <array>

#include "auth/secrets.h"
#include "core/utf8.h"
#include "legacy/peer_address.h"
#include "legacy/session_registry.h"
#include "legacy/wire/enrollment_request.h"
#include "legacy/wire/manager_messages.h"

namespace herald::legacy {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::as_tuple;
using asio::use_awaitable;

namespace {

constexpr std::size_t kReadChunk = 65536;

// Dead peers are noticed by TCP within about 90 s even when the agent never says goodbye.
void enable_tcp_keepalive(asio::ip::tcp::socket& socket) {
  const int fd = socket.native_handle();
  int on = 1, idle = 60, interval = 10, count = 3;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

// Labels of a keep-alive as a JSON object: `"key":value` lines (hidden '!' and system '#' ones
// are the agent's own business and stay out).
std::string labels_json(const std::vector<std::string>& labels) {
  json::object out;
  for (const auto& label : labels) {
    if (label.size() < 3 || label.front() != '"') continue;
    auto close = label.find("\":", 1);
    if (close == std::string::npos) continue;
    out[core::valid_utf8(label.substr(1, close - 1))] = core::valid_utf8(label.substr(close + 2));
  }
  return json::serialize(out);
}

void count(LegacyServices& services, const char* name, const char* help, const std::string& label_name,
           const std::string& label) {
  services.metrics.counter(name, help, {label_name}, {label}).inc();
}

void count_refusal(LegacyServices& services, const std::string& reason) {
  count(services, "herald_legacy_connections_refused_total",
        "Wazuh 4.x connections closed for a bad frame, key or message, by reason", "reason", reason);
}

}  // namespace

RemoteSession::RemoteSession(asio::ip::tcp::socket socket, LegacyServices& services, SessionRegistry& registry)
    : socket_(std::move(socket)),
      services_(services),
      registry_(registry),
      address_(peer_address(socket_)),
      handshake_deadline_(socket_.get_executor()) {
  // Each connection starts its counters above every earlier one of this node (agents that verify
  // the manager's counters, remoted.verify_msg_id on their side, accept them after a restart).
  sent_counters_.global = static_cast<std::uint32_t>(services_.clock.now_seconds());
}

RemoteSession::~RemoteSession() = default;

std::int64_t RemoteSession::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(services_.clock.now().time_since_epoch()).count();
}

bool RemoteSession::peer_hung_up() const {
  const int fd = descriptor_.load();
  if (fd < 0) return true;
  // At worst the fd was closed and reused meanwhile: then this answers for another socket, which
  // only decides whether a new connection may take over now or after connection_overtake_time.
  pollfd check{fd, POLLRDHUP, 0};
  return ::poll(&check, 1, 0) > 0 && (check.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

void RemoteSession::start() {
  auto self = shared_from_this();
  descriptor_.store(socket_.native_handle());
  registry_.add(self);
  enable_tcp_keepalive(socket_);
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  handshake_deadline_.expires_after(services_.options.handshake_timeout);
  handshake_deadline_.async_wait([self](boost::system::error_code ec) {
    if (!ec && !self->key_) self->close_on_strand("no valid message in time", false);
  });
  asio::co_spawn(socket_.get_executor(), read_loop(), asio::detached);
}

void RemoteSession::wake_writer() {
  if (writing_ || outgoing_.empty() || closed_) return;
  // An ack or a small push fits in the socket buffer: write it now, on this strand, without a
  // coroutine (spawning one is a hand-off that may wake the other io thread, per ack). writing_
  // is held meanwhile: a callback that sends again only appends, and this loop writes that too.
  writing_ = true;
  std::size_t done = 0;
  std::string failure;
  while (done < outgoing_.size()) {
    boost::system::error_code ec;
    const std::size_t n = socket_.write_some(asio::buffer(outgoing_[done].frame), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      failure = ec.message();
      break;
    }
    if (n < outgoing_[done].frame.size()) {
      outgoing_[done].frame.erase(0, n);  // the rest goes out when the socket takes it
      break;
    }
    auto written = std::move(outgoing_[done].written);
    ++done;
    if (written) written(true);
  }
  outgoing_.erase(outgoing_.begin(), outgoing_.begin() + static_cast<std::ptrdiff_t>(done));
  writing_ = false;
  if (!failure.empty()) {
    close_on_strand("write failed: " + failure, false);  // fails what is still queued
    return;
  }
  if (outgoing_.empty()) {
    std::vector<Outgoing>().swap(outgoing_);
    return;
  }
  // The writer coroutine runs only while something is left: an idle agent holds no writer frame.
  writing_ = true;
  asio::co_spawn(socket_.get_executor(), write_loop(), asio::detached);
}

void RemoteSession::close(std::string why, bool stopping) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), why = std::move(why), stopping] { self->close_on_strand(why, stopping); });
}

void RemoteSession::close_on_strand(std::string why, bool stopping) {
  if (closed_) return;
  closed_ = true;
  stopping_ = stopping;
  descriptor_.store(-1);
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  handshake_deadline_.cancel();
  if (!writing_) {
    for (auto& item : outgoing_) {
      if (item.written) item.written(false);
    }
    outgoing_.clear();
  }
  order_loop_cancel_.emit(asio::cancellation_type::terminal);
  if (key_ && holds_agent_) {
    holds_agent_ = false;
    // Upstream never notices a closed connection (it waits for agents_disconnection_time);
    // Herald says so at once, unless another connection of the agent took over.
    if (registry_.release(key_->id, this) && !stopping && !shut_down_) {
      services_.liveness.disconnected(key_->id, engine::kStatusConnectionDropped, "TCP connection closed: " + why);
    }
  }
  registry_.remove(this);
  spdlog::debug("legacy remote: connection from {} ({}) closed: {}", address_, key_ ? key_->id : "unidentified", why);
}

asio::awaitable<void> RemoteSession::read_loop() {
  auto self = shared_from_this();
  std::vector<std::string> payloads;
  EventBatch events;
  std::string why = "connection closed by the agent";
  while (!closed_) {
    auto [wait_ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_read, as_tuple(use_awaitable));
    if (wait_ec) {
      why = wait_ec.message();
      break;
    }
    // Read what is there into a buffer of the thread, not of the connection: an idle agent costs
    // no read buffer (the frame reader keeps only an unfinished frame).
    thread_local std::array<char, kReadChunk> buffer;
    // One read per wake-up (at most 64 KiB, a few hundred events): a connection that always has
    // data takes its turn with the others and with the HTTP listeners on the same threads.
    bool ended = false;
    {
      boost::system::error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec) {
        why = ec == asio::error::eof ? "connection closed by the agent" : ec.message();
        ended = true;
      } else if (!reader_.feed(std::string_view(buffer.data(), n), payloads)) {
        spdlog::warn("legacy remote: {} ({}): too big message size ({} bytes): closing", address_,
                     key_ ? key_->id : "unidentified", reader_.declared_length());
        count_refusal(services_, "oversize");
        close_on_strand("frame too big", false);
        co_return;
      }
    }
    for (const auto& payload : payloads) {
      if (closed_) break;
      if (!co_await handle_payload(payload, events)) {
        close_on_strand("refused message", false);
        break;
      }
    }
    std::vector<std::string>().swap(payloads);
    if (!events.lines.empty()) {
      co_await write_events(std::move(events));
      events = {};
    }
    if (ended) break;
  }
  close_on_strand(why, false);
}

asio::awaitable<void> RemoteSession::write_loop() {
  auto self = shared_from_this();
  while (!outgoing_.empty()) {
    // Several queued frames go out in one write.
    std::string batch;
    std::vector<std::function<void(bool)>> callbacks;
    std::size_t taken = 0;
    while (taken < outgoing_.size() &&
           (batch.empty() || batch.size() + outgoing_[taken].frame.size() <= kReadChunk)) {
      batch += outgoing_[taken].frame;
      if (outgoing_[taken].written) callbacks.push_back(std::move(outgoing_[taken].written));
      ++taken;
    }
    outgoing_.erase(outgoing_.begin(), outgoing_.begin() + static_cast<std::ptrdiff_t>(taken));
    if (outgoing_.empty()) std::vector<Outgoing>().swap(outgoing_);
    auto [ec, written] = co_await asio::async_write(socket_, asio::buffer(batch), as_tuple(use_awaitable));
    for (auto& callback : callbacks) callback(!ec);
    if (ec) {
      close_on_strand("write failed: " + ec.message(), false);
      break;
    }
  }
  if (closed_) {
    for (auto& item : outgoing_) {
      if (item.written) item.written(false);
    }
    outgoing_.clear();
  }
  writing_ = false;
}

void RemoteSession::send(std::string_view text, std::function<void(bool)> written) {
  if (closed_ || !key_) {
    if (written) written(false);
    return;
  }
  sent_counters_ = wire::next_counters(sent_counters_);
  std::uint16_t random = 0;
  auto bytes = auth::random_bytes(sizeof random);
  std::memcpy(&random, bytes.data(), sizeof random);
  auto payload = wire::encode_message(cipher_, key_->channel_key, text, sent_counters_, random);
  if (!payload) {
    spdlog::error("legacy remote: agent {}: cannot encode a message: {}", key_->id, payload.error().message);
    if (written) written(false);
    return;
  }
  outgoing_.push_back({wire::frame(*payload), std::move(written)});
  wake_writer();
}

void RemoteSession::send_all(const std::vector<std::string>& texts, std::function<void(bool)> written) {
  if (texts.empty()) {
    if (written) written(true);
    return;
  }
  // Only the last frame reports: frames go out in order, and a failed write closes the connection
  // (every later frame then reports false).
  auto all_ok = std::make_shared<bool>(true);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const bool last = i + 1 == texts.size();
    send(texts[i], [all_ok, last, written](bool ok) {
      *all_ok = *all_ok && ok;
      if (last && written) written(*all_ok);
    });
  }
}

asio::awaitable<bool> RemoteSession::send_and_wait(const std::vector<std::string>& texts) {
  struct Wait {
    explicit Wait(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;
    std::optional<bool> written;
  };
  auto wait = std::make_shared<Wait>(socket_.get_executor());
  send_all(texts, [wait](bool ok) {
    wait->written = ok;
    wait->timer.cancel();
  });
  while (!wait->written) {
    wait->timer.expires_at(asio::steady_timer::time_point::max());
    co_await wait->timer.async_wait(as_tuple(use_awaitable));
  }
  co_return *wait->written;
}

asio::awaitable<bool> RemoteSession::identify(const wire::PayloadHeader& header) {
  if (key_) {
    if (header.agent_id && *header.agent_id != key_->id) {
      spdlog::warn("legacy remote: {}: a connection of agent {} sent a message as agent {}: closing", address_,
                   key_->id, *header.agent_id);
      count_refusal(services_, "agent_changed");
      co_return false;
    }
    co_return true;
  }
  std::shared_ptr<const AgentKey> key;
  if (header.agent_id) {
    const std::string id = *header.agent_id;
    key = services_.keys.find(id);
    if (!key) {
      // Enrolled on another node since the last reload, perhaps.
      auto stored = co_await services_.pool.run([this, &id] { return services_.store.find_legacy_key(id); });
      if (stored && *stored) {
        services_.keys.put(**stored);
        key = services_.keys.find(id);
      }
    }
    if (!key) {
      spdlog::warn("legacy remote: {}: unknown agent id {} (no such key): closing", address_, id);
      count_refusal(services_, "unknown_agent");
      co_return false;
    }
  } else {
    key = services_.keys.find_by_address(address_);
    if (!key) {
      auto stored = co_await services_.pool.run([this] { return services_.store.legacy_keys_for_ip(address_); });
      if (stored && stored->size() == 1) {
        services_.keys.put(stored->front());
        key = services_.keys.find(stored->front().id);
      }
    }
    if (!key) {
      spdlog::warn("legacy remote: {}: source agent ID is unknown (no key for this address): closing", address_);
      count_refusal(services_, "unknown_address");
      co_return false;
    }
  }
  if (!address_allowed(key->ip, address_)) {
    spdlog::warn("legacy remote: {}: agent {} may only connect from {}: closing", address_, key->id, key->ip);
    count_refusal(services_, "address_not_allowed");
    co_return false;
  }
  key_ = std::move(key);
  target_ = {store::DeliveryTarget::Kind::agent, key_->id};
  co_return true;
}

asio::awaitable<bool> RemoteSession::handle_payload(std::string_view payload, EventBatch& events) {
  if (payload.starts_with("#ping")) {
    // Answered in clear, whoever asks (HandleSecureMessage).
    outgoing_.push_back({wire::frame("#pong"), {}});
    wake_writer();
    co_return true;
  }
  auto header = wire::parse_header(payload);
  if (!header) {
    spdlog::warn("legacy remote: {}: format error: {}: closing", address_, header.error().message);
    count_refusal(services_, "format");
    co_return false;
  }
  if (!co_await identify(*header)) co_return false;
  auto decoded = wire::decode_message(header->cipher, key_->channel_key, payload.substr(header->body_offset));
  if (!decoded) {
    spdlog::warn("legacy remote: {}: agent {}: {}: closing", address_, key_->id, decoded.error().message);
    count_refusal(services_, "decode");
    co_return false;
  }
  if (services_.options.verify_msg_id && !registry_.accept_counters(key_->id, decoded->counters)) {
    spdlog::warn("legacy remote: {}: agent {}: duplicate or old message counters {}:{}: closing", address_, key_->id,
                 decoded->counters.global, decoded->counters.local);
    count_refusal(services_, "counters");
    co_return false;
  }
  cipher_ = header->cipher;  // replies use the agent's method
  last_message_ms_.store(now_ms(), std::memory_order_relaxed);
  if (!holds_agent_) {
    const auto overtake_ms = std::chrono::milliseconds(services_.options.connection_overtake_time).count();
    if (!registry_.claim(key_->id, shared_from_this(), now_ms(), overtake_ms)) {
      spdlog::warn("legacy remote: {}: agent {}: agent key already in use by another connection: closing", address_,
                   key_->id);
      count_refusal(services_, "key_in_use");
      co_return false;
    }
    holds_agent_ = true;
    handshake_deadline_.cancel();
  }
  const std::string_view text = decoded->text;
  if (wire::is_control(text)) {
    services_.control_messages->inc();
    co_await handle_control(wire::parse_control(text));
    co_return !closed_;
  }
  services_.event_messages->inc();
  services_.liveness.seen(key_->id);
  if (auto event = wire::parse_event(text)) {
    // remoted drops what agents send from a location named keepalive*.
    if (!event->location.starts_with("keepalive")) add_event_line(*event, events);
  } else {
    spdlog::debug("legacy remote: agent {}: a message that is neither control nor event: ignored", key_->id);
  }
  co_return true;
}

void RemoteSession::add_event_line(const wire::EventLine& event, EventBatch& events) const {
  json::object line{{"agent_id", key_->id},
                    {"agent_name", key_->name},
                    {"queue", std::string(1, event.queue)},
                    {"location", core::valid_utf8(wire::relabelled_location(key_->id, key_->name, key_->ip,
                                                                           event.location))},
                    {"message", core::valid_utf8(event.message)}};
  events.lines.push_back(json::serialize(line));
  if (services_.analysis != nullptr) {
    engine::AnalysisInput input;
    input.agent_id = key_->id;
    input.agent_name = key_->name;
    input.agent_ip = key_->ip;
    input.queue = event.queue;
    input.location = event.location;
    input.message = event.message;
    events.analysis.push_back(std::move(input));
  }
}

asio::awaitable<void> RemoteSession::write_events(EventBatch events) {
  auto& lines = events.lines;
  std::string body;
  for (const auto& line : lines) {
    body += line;
    body += '\n';
  }
  const std::string id = key_->id;
  auto written = co_await services_.pool.run([this, &id, &body] { return services_.events.write_stateless(id, body); });
  if (!written) {
    spdlog::warn("legacy remote: agent {}: {} events not written: {}", id, lines.size(), written.error().message);
    count(services_, "herald_legacy_events_lost_total", "Wazuh 4.x events the event sink refused", "reason", "sink");
    co_return;
  }
  services_.publisher.agent_events(id, false, std::move(lines));
  // Analysed only once the sink has them: what raised an alert can always be found in events.
  if (services_.analysis != nullptr) services_.analysis->submit(std::move(events.analysis));
}

asio::awaitable<void> RemoteSession::handle_control(const wire::ControlMessage& message) {
  using Kind = wire::ControlMessage::Kind;
  const std::string id = key_->id;
  switch (message.kind) {
    case Kind::startup: {
      if (message.startup_json_invalid) {
        send(wire::handshake_error("Couldn't retrieve version"));
        co_return;
      }
      if (message.startup_version && !services_.max_agent_version.empty()) {
        auto order = wire::compare_versions(*message.startup_version, services_.max_agent_version);
        if (order && *order > 0) {
          spdlog::warn("legacy remote: agent {} runs {}, newer than {}: refused", id, *message.startup_version,
                       services_.max_agent_version);
          send(wire::handshake_error("Agent version must be lower or equal to manager version"));
          co_return;
        }
      }
      send(wire::kAck);
      if (message.startup_version) agent_version_ = *message.startup_version;
      services_.liveness.seen(id);
      started_up_ = true;
      start_order_loop();
      co_await confirm_restarts();
      co_return;
    }
    case Kind::keepalive:
      send(wire::kAck);
      services_.liveness.seen(id);
      started_up_ = true;
      start_order_loop();
      co_await handle_keepalive(message.keepalive, message.keepalive.uname);
      co_return;
    case Kind::shutdown: {
      shut_down_ = true;
      services_.liveness.disconnected(id, engine::kStatusShutdown, "the agent sent its shutdown message");
      // remoted tells analysisd, as an event of its own.
      wire::EventLine stopped{'1', "wazuh-remoted", "ossec: Agent stopped: '" + key_->name + "->" + key_->ip + "'."};
      EventBatch events;
      add_event_line(stopped, events);
      co_await write_events(std::move(events));
      co_return;
    }
    case Kind::request_reply:
    case Kind::unknown:
      services_.liveness.seen(id);
      spdlog::debug("legacy remote: agent {}: control message ignored", id);
      co_return;
  }
}

asio::awaitable<void> RemoteSession::handle_keepalive(const wire::Keepalive& keepalive, std::string_view) {
  const std::string id = key_->id;
  if (!keepalive.version.empty()) agent_version_ = keepalive.version;
  auto reports = services_.confirmations.keepalive(id, keepalive.merged_sum);
  if (!reports.empty()) {
    groups_read_ms_ = 0;  // a set-group may have changed them
    apply_results(std::move(reports));
  }
  auto groups = co_await agent_groups(false);
  // Most keep-alives find the file cached: no trip to the pool and back.
  auto merged = services_.shared.cached(groups);
  if (!merged) merged = co_await services_.pool.run([this, &groups] { return services_.shared.merged_for(groups); });
  const bool synced = keepalive.merged_sum && *keepalive.merged_sum == merged->md5;

  store::AgentMetadata metadata;
  metadata.agent_id = id;
  metadata.version = keepalive.version;
  if (keepalive.agent_ip) metadata.ip = *keepalive.agent_ip;
  metadata.hostname = keepalive.os.hostname;
  metadata.os_name = keepalive.os.os_name;
  metadata.os_version = keepalive.os.os_version;
  metadata.os_platform = keepalive.os.os_platform;
  metadata.os_arch = keepalive.os.os_arch;
  metadata.os_uname = keepalive.os.os_uname;
  metadata.config_sum = keepalive.config_sum.value_or("");
  metadata.merged_sum = keepalive.merged_sum.value_or("");
  metadata.labels_json = labels_json(keepalive.labels);
  // group_config_status is "synced" when the agent holds its groups' merged.mg.
  metadata.groups = synced ? groups : std::vector<std::string>{};
  if (!services_.liveness.metadata_is_recorded(metadata)) {
    auto written = co_await services_.pool.run([this, &metadata] { return services_.liveness.record_metadata(metadata); });
    if (!written) spdlog::warn("legacy remote: agent {}: keep-alive data not stored: {}", id, written.error().message);
  }
  if (!synced && !services_.confirmations.waiting(id) && last_pushed_sum_ != merged->md5) {
    // As remoted does: an agent whose merged.mg differs from its groups' gets the file.
    last_pushed_sum_ = merged->md5;
    co_await push_shared_configuration(merged, {});
  }
}

void RemoteSession::apply_results(std::vector<store::ResultReport> reports) {
  if (reports.empty()) return;
  services_.pool.post([&services = services_, reports = std::move(reports)] {
    auto applied = services.results.apply(reports);
    if (!applied) spdlog::warn("legacy remote: {} order results not stored: {}", reports.size(), applied.error().message);
  });
}

}  // namespace herald::legacy
