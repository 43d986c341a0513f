#pragma once
// Data flow 6: turns what the engine observes into EventBus events (ARCHITECTURE.md "NATS
// subjects"): agent keep-alives, status transitions and enrolments, order transitions, agent
// events and server-targeted orders. Payloads use the API's field names plus `node_name` and
// `ts` (epoch milliseconds).
//
// Building a payload per order for a 100,000-agent command takes a while, so callers only
// enqueue: a worker thread of this class builds and publishes, in order. Bounded: beyond
// `max_queued` notifications the newest are dropped and counted (the bus counts its own drops).
#include <cstdint>
#include <memory>
#include <string>

#include "bus/event_bus.h"
#include "core/clock.h"
#include "engine/liveness.h"
#include "engine/order_listener.h"
#include "engine/serial_worker.h"
#include "store/records.h"

namespace herald::engine {

class BusPublisher final : public OrderListener, public LivenessObserver {
 public:
  // `bus` null: nothing is published (no bus configured) and every call returns at once.
  BusPublisher(bus::EventBus* bus, const core::Clock& clock, std::string node_name, std::size_t max_queued = 10'000);
  ~BusPublisher() override;
  BusPublisher(const BusPublisher&) = delete;
  BusPublisher& operator=(const BusPublisher&) = delete;

  // Publishes what is queued, then stops. Idempotent.
  void stop();

  // OrderListener
  void orders_created(const std::vector<core::Order>& orders) override;
  void orders_expired(const std::vector<store::ExpiredOrder>& expired) override;
  void orders_sent(const std::vector<core::Order>& orders) override;
  void results_applied(const std::vector<store::ResultReport>& reports) override;
  // LivenessObserver
  void status_changed(const StatusTransition& transition) override;
  void keepalive(const std::string& agent_id, std::int64_t at_ms) override;

  void agent_enrolled(const store::AgentRecord& agent);
  // Agent events as accepted by the comms API: `lines` are the NDJSON lines (stateless) or the
  // metadata line and messages (stateful), each a JSON text.
  void agent_events(const std::string& agent_id, bool stateful, std::vector<std::string> lines);

  // An alert of the analysis engine, `alert_json` its Wazuh alert JSON: published as is on
  // `alerts.<level>.<rule id>` (transient, like agent events).
  void alert(int level, std::uint32_t rule_id, std::string alert_json);
  // Which orders answered an alert (engine/active_response.h): on `alerts.responses` (transient).
  void alert_response(std::string record_json);

  std::uint64_t dropped() const;
  bool enabled() const { return bus_ != nullptr; }

 private:
  void enqueue(SerialWorker::Task task);
  void publish(std::string subject, std::string payload, bus::Durability durability, std::string message_id = {});
  std::int64_t now_ms() const;

  bus::EventBus* bus_;
  const core::Clock& clock_;
  std::string node_name_;
  std::unique_ptr<SerialWorker> worker_;  // null without a bus
};

// A subject token from free text: NATS separators and wildcards become '_'.
std::string subject_token(std::string_view text);

}  // namespace herald::engine
