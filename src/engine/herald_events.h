#pragma once
// Herald's own happenings as analysis events (ruleset/README.md "Herald's own events"): an agent
// connected or disconnected, enrolled or refused, an order that failed, a failed API login. Each
// becomes a JSON event {"herald": {...}} from the manager itself (agent "000", location
// "herald"), so the rules of the built-in ruleset (200500-200599) and the operator's own rules
// can raise alerts on them like on any agent's event.
//
// Observers call in on their own threads and must return at once: the events are built on one
// worker thread of this class (they may need a store look-up for an agent's name or an order's
// action), bounded; beyond `max_queued` they are dropped and counted on /metrics.
//
// Cluster: every happening is observed once in a cluster (a transition is decided by one node, a
// result applied by the node that received it, an expiry by the leader), so one alert each.
#include <cstdint>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "engine/analysis_service.h"
#include "engine/liveness.h"
#include "engine/order_listener.h"
#include "engine/serial_worker.h"
#include "store/store.h"

namespace herald::engine {

class HeraldEvents final : public OrderListener, public LivenessObserver {
 public:
  HeraldEvents(AnalysisService& analysis, store::Store& store, std::string manager_name, core::MetricsRegistry& metrics,
               std::size_t max_queued = 10'000);
  ~HeraldEvents() override;
  HeraldEvents(const HeraldEvents&) = delete;
  HeraldEvents& operator=(const HeraldEvents&) = delete;

  // Hands over what is queued, then stops. Idempotent.
  void stop();

  // LivenessObserver: agent_connected when an agent becomes active, agent_disconnected (with the
  // transition's reason) when it becomes disconnected.
  void status_changed(const StatusTransition& transition) override;
  void keepalive(const std::string& /*agent_id*/, std::int64_t /*at_ms*/) override {}
  // OrderListener: order_failed for failure results and for expired orders.
  void results_applied(const std::vector<store::ResultReport>& reports) override;
  void orders_expired(const std::vector<store::ExpiredOrder>& expired) override;

  void agent_enrolled(const store::AgentRecord& agent);
  // `agent_name` may be empty (the request did not parse that far).
  void enrollment_rejected(std::string agent_name, std::string source_ip, std::string reason);
  void api_authentication_failed(std::string source_ip, std::string user);

  // Happenings handled so far, handed to analysis or found to need no event (tests await this).
  std::uint64_t handled() const { return worker_.completed(); }

 private:
  void post(SerialWorker::Task task);
  // Submits {"herald": body} to analysis.
  void submit(std::string body_json);
  // The agent's name from the store ("" when unknown or the store fails).
  std::string agent_name(const std::string& agent_id);
  void order_failed(const core::OrderKey& key, const std::optional<std::string>& agent_id, const std::string& message);

  AnalysisService& analysis_;
  store::Store& store_;
  std::string manager_name_;
  core::Counter* dropped_;
  SerialWorker worker_;
};

}  // namespace herald::engine
