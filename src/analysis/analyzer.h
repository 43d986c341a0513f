#pragma once
// The analysis engine's front door: one raw event in, at most one alert out (Wazuh raises one
// alert per event: the deepest rule of the tree that matched). engine/ runs one Analyzer per
// worker thread; the Ruleset they share is immutable.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/metrics.h"
#include "core/result.h"

namespace herald::analysis {

class Ruleset;
class AnalyzerState;
class MitreCatalog;
class Event;
struct Alert;
struct Rule;

// An event as an agent sent it, split the way remoted hands it to analysisd.
struct RawEvent {
  std::string_view agent_id;    // "000" for the manager itself
  std::string_view agent_name;
  std::string_view agent_ip;    // "any" when unknown
  char queue = '1';             // the 4.x queue character ('1' localfile, '2' syslog, ...)
  std::string_view location;    // "/var/log/auth.log", "EventChannel", ...
  std::string_view message;     // the log line
};

struct AnalyzerOptions {
  std::string manager_name;  // alert "manager.name"
  int alert_level = 3;       // alerts below this level are not raised (Wazuh's log_alert_level)
  // Alert ids are "<epoch seconds>.<n>" (Wazuh's shape, with a sequence number where Wazuh has an
  // offset in alerts.log); analyzers sharing this counter never repeat an id. Null: its own.
  std::atomic<std::uint64_t>* alert_sequence = nullptr;
  // MITRE ATT&CK names for rule.mitre (Wazuh's MITRE database); null: the ids only.
  std::shared_ptr<const MitreCatalog> mitre = nullptr;
  // Windows event channel events (queue 'f', eventchannel_decoder.h) counted here when not null:
  // those dropped as analysisd drops them (not JSON, no "Event"), and those whose XML could not
  // be read (analysed from their message alone).
  core::Counter* eventchannel_dropped = nullptr;
  core::Counter* eventchannel_unreadable_xml = nullptr;
};

struct AlertRecord {
  std::string id;  // the alert's "id"
  int level = 0;
  std::uint32_t rule_id = 0;
  std::string json;  // one line of alerts.json, without the newline
};

// Not thread-safe: one per worker. Holds the correlation state (frequency windows, previous
// events, first-time-seen, accumulated fields), which belongs to the ruleset it was built for.
class Analyzer {
 public:
  Analyzer(std::shared_ptr<const Ruleset> ruleset, AnalyzerOptions options);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Pre-decodes, decodes and matches `event` at `now_seconds` (UTC epoch); the alert, if a rule
  // at or above the alert level fired. A queue 'f' event is decoded as Wazuh decodes Windows
  // event channel events (eventchannel_decoder.h), not by the decoder tree.
  std::optional<AlertRecord> analyze(const RawEvent& event, std::int64_t now_seconds);

  // A new agent's stateless body (wire-protocol c5: the metadata line, then a header and a data
  // line per message), sent by the authenticated agent `agent_id`: each message analysed in
  // order, each alert handed to `on_alert`. Messages that are not log lines are skipped.
  // Returns how many messages were analysed.
  std::size_t analyze_stateless(std::string_view agent_id, std::string_view body, std::int64_t now_seconds,
                                const std::function<void(AlertRecord&&)>& on_alert);

  // What analysis made of one event, for logtest and the corpus: the decoded event and the rule
  // it ended at (also of level 0 or below the alert level, then `alert_raised` is false).
  // Both views stay valid until the next call.
  struct Trace {
    const Event* event = nullptr;
    const Alert* rule_result = nullptr;  // the alert the rule built; null for level 0 or none
    int rule_id = 0;                     // the rule the event ended at, 0 for none
    int rule_level = 0;
    bool alert_raised = false;
    const Rule* rule = nullptr;  // the rule the event ended at (in ruleset()), null for none
    int firedtimes = 0;          // that rule's firedtimes counter after this event
    bool predecoded = true;
  };
  // As analyze(); `predecoded` is false (and nothing else set) when the event was dropped at
  // pre-decoding (a location Wazuh rejects) or, for queue 'f', at its conversion.
  Trace trace(const RawEvent& event, std::int64_t now_seconds);
  // A wazuh-logtest request {"event", "log_format", "location"}. Errors: invalid_argument naming
  // the field.
  core::Result<Trace> trace_logtest(std::string_view request_json, std::int64_t now_seconds);

  // Switches to another ruleset; the correlation state starts empty (rule ids may mean other
  // things now).
  void replace_ruleset(std::shared_ptr<const Ruleset> ruleset);
  const std::shared_ptr<const Ruleset>& ruleset() const { return ruleset_; }

 private:
  // Fills the state's event from `raw` (reset first).
  void fill(const RawEvent& raw);
  // Pre-decodes, decodes and matches the state's event (its source fields set): the rule result
  // in the state, or false when pre-decoding dropped it.
  bool run(std::int64_t now_seconds);
  // run() for a queue 'f' event, after pre-decoding.
  bool run_eventchannel(std::int64_t now_seconds);
  Trace traced() const;
  Trace dropped() const;  // pre-decoding refused the state's event
  // The state's rule result as an alert record, if it is an alert.
  std::optional<AlertRecord> record();

  std::shared_ptr<const Ruleset> ruleset_;
  AnalyzerOptions options_;
  std::unique_ptr<AnalyzerState> state_;
  std::atomic<std::uint64_t> own_sequence_{0};
};

}  // namespace herald::analysis
