#pragma once
// One 1514/tcp connection of a Wazuh 4.x agent (legacy-4x-protocol.md §2–§5), on its own strand:
//   read frames → identify the agent (by "!id!" or by address) → decrypt → control message or
//   event; write acks, pushes and orders in the agent's cipher.
// Orders reach the agent through the same Dispatcher long poll as the HTTP agents' (so cluster
// wake-ups and the store fallback work unchanged): while the connection is up, a poll for the
// agent is always parked, and what it hands out is written to the socket at once.
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/dispatcher.h"
#include "legacy/key_cache.h"
#include "legacy/legacy_services.h"
#include "legacy/wire/control_message.h"
#include "legacy/wire/framing.h"
#include "legacy/wire/secure_message.h"

namespace herald::legacy {

class SessionRegistry;

class RemoteSession : public std::enable_shared_from_this<RemoteSession> {
 public:
  using Executor = boost::asio::strand<boost::asio::io_context::executor_type>;
  RemoteSession(boost::asio::ip::tcp::socket socket, LegacyServices& services, SessionRegistry& registry);
  ~RemoteSession();

  void start();
  // Closes the connection (from any thread). `stopping`: heraldd is stopping, so the agent is
  // not reported disconnected (it reconnects to another node, or to this one once it is back).
  void close(std::string why, bool stopping = false);
  std::int64_t last_message_ms() const { return last_message_ms_.load(std::memory_order_relaxed); }
  // True once the agent has closed its side, even if this session has not read the EOF yet (an
  // agent that reconnects at once must not be refused by its own dead connection). Any thread.
  bool peer_hung_up() const;

 private:
  struct Outgoing {
    std::string frame;
    std::function<void(bool)> written;  // may be empty
  };

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  void wake_writer();
  // One payload; false when the connection must close.
  // Events of one read, on their way to the event sink, the bus and analysis.
  struct EventBatch {
    std::vector<std::string> lines;  // the event sink's JSON lines
    std::vector<engine::AnalysisInput> analysis;  // empty when analysis is off
  };
  boost::asio::awaitable<bool> handle_payload(std::string_view payload, EventBatch& events);
  boost::asio::awaitable<bool> identify(const wire::PayloadHeader& header);
  boost::asio::awaitable<void> handle_control(const wire::ControlMessage& message);
  boost::asio::awaitable<void> handle_keepalive(const wire::Keepalive& keepalive, std::string_view text);
  boost::asio::awaitable<void> write_events(EventBatch events);
  void add_event_line(const wire::EventLine& event, EventBatch& events) const;

  // Orders (remote_session_orders.cpp).
  void start_order_loop();
  boost::asio::awaitable<void> order_loop();
  boost::asio::awaitable<void> deliver(engine::Delivery delivery);
  boost::asio::awaitable<void> confirm_restarts();
  boost::asio::awaitable<void> push_shared_configuration(std::shared_ptr<const MergedFile> merged,
                                                         std::function<void(bool)> written);
  boost::asio::awaitable<std::vector<std::string>> agent_groups(bool fresh);

  // Encrypts `text` for the agent and queues it.
  void send(std::string_view text, std::function<void(bool)> written = {});
  // Queues several texts; `written` hears once whether all of them reached the socket.
  void send_all(const std::vector<std::string>& texts, std::function<void(bool)> written);
  // Waits until `texts` are written (or the connection failed); true when they were.
  boost::asio::awaitable<bool> send_and_wait(const std::vector<std::string>& texts);
  void close_on_strand(std::string why, bool stopping);
  void apply_results(std::vector<store::ResultReport> reports);
  std::int64_t now_ms() const;

  boost::asio::ip::tcp::socket socket_;
  LegacyServices& services_;
  SessionRegistry& registry_;
  std::string address_;
  wire::FrameReader reader_;
  std::shared_ptr<const AgentKey> key_;
  wire::Cipher cipher_ = wire::Cipher::aes;
  wire::Counters sent_counters_;
  bool holds_agent_ = false;       // the registry's holder of key_->id
  bool started_up_ = false;        // a startup or keep-alive was accepted
  bool shut_down_ = false;         // the agent said so (no "connection closed" transition)
  bool closed_ = false;
  bool stopping_ = false;
  std::string agent_version_;      // from its startup message or keep-alives
  std::size_t last_keepalive_hash_ = 0;
  std::int64_t groups_read_ms_ = 0;
  std::vector<std::string> groups_;
  std::string last_pushed_sum_;    // the automatic push last made (not repeated while unconfirmed)
  std::set<core::OrderKey> restarts_sent_;  // restart orders delivered by this very connection
  std::atomic<std::int64_t> last_message_ms_{0};
  std::atomic<int> descriptor_{-1};  // the socket's fd while open (for peer_hung_up)
  // Not a std::deque: libstdc++ gives an empty deque a 512-byte block, per connection.
  std::vector<Outgoing> outgoing_;
  bool writing_ = false;  // a write_loop is running
  boost::asio::steady_timer handshake_deadline_;
  boost::asio::cancellation_signal order_loop_cancel_;
  bool order_loop_running_ = false;
  store::DeliveryTarget target_;
};

}  // namespace herald::legacy
