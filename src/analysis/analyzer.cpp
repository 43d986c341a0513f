#include "analysis/analyzer.h"

#include "analysis/alert_json.h"
#include "analysis/decoder_state.h"
#include "analysis/event.h"
#include "analysis/event_source.h"
#include "analysis/eventchannel_decoder.h"
#include "analysis/predecoder.h"
#include "analysis/rule_engine.h"
#include "analysis/ruleset.h"

namespace herald::analysis {

class AnalyzerState {
 public:
  AnalyzerState(const Ruleset& ruleset, const AnalyzerOptions& options)
      : engine(ruleset.rules(), engine_options(options)) {
    json.manager_name = options.manager_name;
    json.mitre = options.mitre;
  }

  Event event;
  DecodeState decode;
  RuleEngine engine;
  std::optional<Alert> result;  // the rule the last event ended at
  AlertJsonOptions json;
  JsonDocument eventchannel_scratch;

 private:
  static RuleEngineOptions engine_options(const AnalyzerOptions& options) {
    RuleEngineOptions engine;
    engine.log_alert_level = options.alert_level;
    return engine;
  }
};

namespace {

// Up to the first NUL byte, as analysisd's C strings see a message.
std::string_view until_nul(std::string_view text) { return text.substr(0, text.find('\0')); }

// Lines of a body, without their line ends; blank lines skipped.
class Lines {
 public:
  explicit Lines(std::string_view body) : rest_(body) {}
  bool next(std::string_view& line) {
    while (!rest_.empty()) {
      const auto end = rest_.find('\n');
      line = rest_.substr(0, end);
      rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") != std::string_view::npos) return true;
    }
    return false;
  }

 private:
  std::string_view rest_;
};

}  // namespace

Analyzer::Analyzer(std::shared_ptr<const Ruleset> ruleset, AnalyzerOptions options)
    : ruleset_(std::move(ruleset)), options_(std::move(options)),
      state_(std::make_unique<AnalyzerState>(*ruleset_, options_)) {}

Analyzer::~Analyzer() = default;

void Analyzer::replace_ruleset(std::shared_ptr<const Ruleset> ruleset) {
  // The engine refers to the rules it was built for: build the new one before letting go.
  auto state = std::make_unique<AnalyzerState>(*ruleset, options_);
  state_ = std::move(state);
  ruleset_ = std::move(ruleset);
}

void Analyzer::fill(const RawEvent& raw) {
  Event& event = state_->event;
  event.reset();
  event.queue = raw.queue;
  event.agent_id.assign(raw.agent_id);
  event.agent_name.assign(raw.agent_name);
  event.agent_ip.assign(raw.agent_ip);
  if (raw.agent_id.empty() || raw.agent_id == "000") {
    event.location.assign(raw.location);
  } else {
    // As remoted hands an agent's event to analysisd: "[<id>] (<name>) <ip>-><location>".
    event.location.clear();
    event.location.append("[").append(raw.agent_id).append("] (").append(raw.agent_name).append(") ");
    event.location.append(raw.agent_ip.empty() ? std::string_view("any") : raw.agent_ip).append("->");
    event.location.append(raw.location);
  }
  event.full_log.assign(until_nul(raw.message));
}

std::optional<AlertRecord> Analyzer::analyze(const RawEvent& raw, std::int64_t now_seconds) {
  fill(raw);
  if (!run(now_seconds)) return std::nullopt;
  return record();
}

Analyzer::Trace Analyzer::trace(const RawEvent& raw, std::int64_t now_seconds) {
  fill(raw);
  if (!run(now_seconds)) return dropped();
  return traced();
}

core::Result<Analyzer::Trace> Analyzer::trace_logtest(std::string_view request_json, std::int64_t now_seconds) {
  if (auto parsed = parse_logtest_request(request_json, state_->event); !parsed) return parsed.error();
  if (!run(now_seconds)) return dropped();
  return traced();
}

Analyzer::Trace Analyzer::dropped() const {
  Trace trace{&state_->event};
  trace.predecoded = false;
  return trace;
}

Analyzer::Trace Analyzer::traced() const {
  Trace trace{&state_->event};
  if (state_->result) trace.rule_result = &*state_->result;
  if (const Rule* rule = state_->engine.last_matched_rule()) {
    trace.rule_id = rule->id;
    trace.rule_level = rule->level;
    trace.rule = rule;
    trace.firedtimes = state_->engine.firedtimes(rule->id);
  }
  trace.alert_raised = state_->result && state_->result->log && state_->result->level > 0;
  return trace;
}

std::size_t Analyzer::analyze_stateless(std::string_view agent_id, std::string_view body, std::int64_t now_seconds,
                                        const std::function<void(AlertRecord&&)>& on_alert) {
  Lines lines(body);
  std::string_view metadata;
  if (!lines.next(metadata)) return 0;
  auto agent = parse_stateless_agent(metadata);
  if (!agent) return 0;
  agent->id.assign(agent_id);  // the token says who sent it, not the body
  std::size_t analysed = 0;
  std::string_view header;
  std::string_view data;
  while (lines.next(header) && lines.next(data)) {
    if (!parse_stateless_event(*agent, header, data, state_->event)) continue;
    ++analysed;
    if (!run(now_seconds)) continue;
    if (auto alert = record()) on_alert(std::move(*alert));
  }
  return analysed;
}

bool Analyzer::run(std::int64_t now_seconds) {
  Event& event = state_->event;
  state_->result.reset();
  PredecodeOptions predecode_options;
  predecode_options.manager_hostname = options_.manager_name;
  if (!predecode(event, predecode_options)) return false;  // analysisd drops these too
  if (event.queue == kEventChannelQueue) return run_eventchannel(now_seconds);
  state_->decode.set_time(now_seconds);
  ruleset_->decoders().decode(event, state_->decode);
  state_->result = state_->engine.evaluate(
      event, ruleset_->decoder_info(state_->decode.decoder(), state_->decode.type()), now_seconds);
  return true;
}

bool Analyzer::run_eventchannel(std::int64_t now_seconds) {
  switch (decode_eventchannel(state_->event, state_->eventchannel_scratch)) {
    case EventChannelOutcome::dropped:
      if (options_.eventchannel_dropped != nullptr) options_.eventchannel_dropped->inc();
      return false;
    case EventChannelOutcome::decoded_without_xml:
      if (options_.eventchannel_unreadable_xml != nullptr) options_.eventchannel_unreadable_xml->inc();
      break;
    case EventChannelOutcome::decoded: break;
  }
  // windows_eventchannel is an internal decoder: type ossec, no fts, no accumulate.
  state_->result = state_->engine.evaluate(state_->event, ruleset_->decoder_info(nullptr, DecoderType::ossec), now_seconds);
  return true;
}

std::optional<AlertRecord> Analyzer::record() {
  const auto& alert = state_->result;
  if (!alert || !alert->log || alert->level <= 0) return std::nullopt;
  auto& sequence = options_.alert_sequence != nullptr ? *options_.alert_sequence : own_sequence_;
  const std::uint64_t offset = sequence.fetch_add(1, std::memory_order_relaxed);
  AlertRecord record;
  record.id = std::to_string(alert->time) + "." + std::to_string(offset);
  record.level = alert->level;
  record.rule_id = static_cast<std::uint32_t>(alert->rule_id);
  record.json = alert_to_json(*alert, state_->json, offset);
  return record;
}

}  // namespace herald::analysis
