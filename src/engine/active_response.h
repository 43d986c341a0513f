#pragma once
// Active response through orders (issue 17 §1): an alert that matches a configured response
// becomes a Herald command (source "Engine", action "active-response") whose orders take the
// normal order stream to HTTP and 4.x agents alike, so GET /orders shows whether each response
// ran. A stateful response (timeout > 0) is undone by a second command (args.mode "delete") once
// its timeout has passed on the injected clock; while it is active, the same response for the
// same key (command, targets, srcip, user) is suppressed and counted.
//
// The analysis workers only hand the alert over: parsing, suppression and the (blocking) store
// append run on one worker thread of this class, in alert order, so suppression is exact.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analysis/analyzer.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "engine/active_response_rules.h"
#include "engine/command_service.h"
#include "engine/periodic_worker.h"
#include "engine/serial_worker.h"

namespace herald::engine {

struct ActiveResponseOptions {
  std::vector<ActiveResponseRule> rules;
  int order_timeout_seconds = 300;                     // how long each order may wait for its agent (core::Command)
  std::chrono::milliseconds undo_check_interval{200};  // 0: no timer (tests call check_undos)
  std::size_t max_queued = 10'000;                     // alerts waiting for the worker; beyond, dropped and counted
};

class ActiveResponder {
 public:
  // Stores the commands (CommandService::submit in heraldd). Called on the worker thread only.
  using Submit = std::function<core::Result<SubmittedRequest>(const std::vector<core::Command>&)>;
  // Every agent id, for location all. Called on the worker thread only.
  using AllAgents = std::function<std::vector<std::string>()>;
  // A response's trace record (JSON: alert id, rule, command, mode, order ids), for the bus.
  using Traced = std::function<void(std::string record_json)>;

  ActiveResponder(ActiveResponseOptions options, const core::Clock& clock, Submit submit, AllAgents all_agents,
                  core::MetricsRegistry& metrics, Traced traced = {});
  ~ActiveResponder();  // stop()
  ActiveResponder(const ActiveResponder&) = delete;
  ActiveResponder& operator=(const ActiveResponder&) = delete;

  // Never blocks on the store: a matching alert is queued for the worker. Safe for concurrent use.
  void on_alert(const analysis::AlertRecord& alert);
  // Queues a check for undos due at the clock's now (the timer calls it; tests too).
  void check_undos();
  // Stops the timer and runs what is queued; undos not yet due are not sent. Idempotent.
  void stop();

  // Worker tasks finished (tests await this instead of sleeping).
  std::uint64_t tasks_done() const { return worker_.completed(); }

 private:
  struct Active {
    std::int64_t undo_at = 0;                  // epoch seconds
    std::vector<core::Command> undos;          // one per target, args.mode "delete"
    const ActiveResponseRule* rule = nullptr;  // in options_.rules
    AlertFacts facts;
  };

  // On the worker thread.
  void respond(const std::string& alert_json);
  void respond_with(const ActiveResponseRule& rule, const AlertFacts& facts, const std::string& alert_json);
  void undo_due();
  // Submits and counts; the order document ids, empty when nothing was stored.
  std::vector<std::string> submit(const std::vector<core::Command>& commands, const ActiveResponseRule& rule,
                                  const AlertFacts& facts, std::string_view mode);
  // Whether an alert of `rule_id` and `level` could match any rule without reading its groups.
  bool may_match(std::uint32_t rule_id, int level) const;

  ActiveResponseOptions options_;
  const core::Clock& clock_;
  Submit submit_;
  AllAgents all_agents_;
  Traced traced_;
  bool any_group_rule_ = false;
  std::map<std::string, Active> active_;  // by suppression key; worker thread only
  core::Counter& added_;
  core::Counter& undone_;
  core::Counter& suppressed_;
  core::Counter& failed_;
  SerialWorker worker_;
  PeriodicWorker timer_;  // after worker_: stopped (joined) before it
};

}  // namespace herald::engine
