// The analysis engine's front door: the event sources on arbitrary bytes, then predecode(), on
// one Event reused across inputs as a worker reuses it. The first byte picks what the rest is:
//   0 an analysisd queue text        1 a 4.x agent's message      2 the legacy session's JSON line
//   3 a logtest request              4 stateless header '\n' data 5 a stateless metadata line
//   6 a full_log (manager location)  7 a location (fixed full_log)
//   8 an IP pattern, then the rest as an address   9 a <time>, then a <weekday>
//   10 a CDB list text, then each line's start looked up
// Invariants: no crash, hang or escaping exception; every piece pre-decoding finds lies inside
// the text; log() is a part of full_log; the agent id follows the location's form; a JSON text is
// left whole.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/cdb_list.h"
#include "analysis/event_source.h"
#include "analysis/ip_match.h"
#include "analysis/predecoder.h"
#include "analysis/time_window.h"
#include "fuzz_check.h"

namespace {

using namespace herald::analysis;

void check_span(const TextSpan& span, std::string_view text, const char* what) {
  if (!span.present) return;
  FUZZ_CHECK(span.offset <= text.size() && span.length <= text.size() - span.offset, what);
}

void check_header(std::string_view text) {
  const LogHeader header = FUZZ_NO_THROW("parse_log_header", parse_log_header(text));
  check_span(header.timestamp, text, "timestamp inside the text");
  check_span(header.hostname, text, "hostname inside the text");
  check_span(header.program_name, text, "program name inside the text");
  check_span(header.pid, text, "pid inside the text");
  FUZZ_CHECK(header.log_offset <= text.size() && header.log_length <= text.size() - header.log_offset,
             "log inside the text");
  if (text.starts_with('{')) {
    FUZZ_CHECK(header.form == HeaderForm::json && header.log_offset == 0 && header.log_length == text.size(),
               "JSON is left whole");
  }
  if (header.form != HeaderForm::none && header.form != HeaderForm::json && header.form != HeaderForm::macos_asl) {
    FUZZ_CHECK(header.timestamp.present, "a recognised date gives a timestamp");
  }
  if (header.pid.present) {
    const auto pid = text.substr(header.pid.offset, header.pid.length);
    FUZZ_CHECK(!pid.empty() && pid.find_first_not_of("0123456789") == std::string_view::npos, "pid is digits");
  }
}

void check_predecode(Event& event) {
  const std::string location_before = event.location;
  const std::string full_log_before = event.full_log;
  const auto status = FUZZ_NO_THROW("predecode", predecode(event, {"manager"}));
  const bool agent_form = location_before.starts_with('[');
  if (!status.ok()) {
    FUZZ_CHECK(agent_form && location_before.find(']') == std::string::npos, "only a bracket-less agent id fails");
    return;
  }
  FUZZ_CHECK(event.full_log == full_log_before, "predecode leaves full_log alone");
  const std::string_view log = event.log();
  FUZZ_CHECK(event.log_offset() <= event.full_log.size(), "log offset inside full_log");
  FUZZ_CHECK(log.empty() || (log.data() >= event.full_log.data() &&
                             log.data() + log.size() <= event.full_log.data() + event.full_log.size()),
             "log() is a part of full_log");
  FUZZ_CHECK(event.hostname.has_value(), "a hostname is always set");
  if (agent_form) {
    FUZZ_CHECK(location_before.compare(1, event.agent_id.size(), event.agent_id) == 0, "agent id from the location");
    FUZZ_CHECK(location_before.size() >= event.location.size(), "the agent prefix is removed");
  } else {
    FUZZ_CHECK(event.agent_id == "000", "local events are agent 000");
    FUZZ_CHECK(event.location == location_before, "a local location is kept");
  }
  check_header(std::string_view(event.full_log).substr(0, event.full_log.find('\0')));
}

void run_source(int mode, std::string_view rest, Event& event) {
  herald::core::Status parsed = herald::core::ok_status();
  switch (mode) {
    case 0:
      parsed = FUZZ_NO_THROW("parse_queue_message", parse_queue_message(rest, event));
      break;
    case 1:
      parsed =
          FUZZ_NO_THROW("parse_legacy_agent_message", parse_legacy_agent_message({"001", "web1", "any"}, rest, event));
      if (parsed.ok()) FUZZ_CHECK(event.location.starts_with("[001] (web1) any->"), "remoted's relabelling");
      break;
    case 2:
      parsed = FUZZ_NO_THROW("parse_legacy_event_line", parse_legacy_event_line(rest, event));
      break;
    case 3:
      parsed = FUZZ_NO_THROW("parse_logtest_request", parse_logtest_request(rest, event));
      break;
    case 4: {
      const auto newline = rest.find('\n');
      const auto header = rest.substr(0, newline);
      const auto data = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
      parsed =
          FUZZ_NO_THROW("parse_stateless_event", parse_stateless_event({"u-1", "n", "10.0.0.1"}, header, data, event));
      break;
    }
    case 5: {
      const auto agent = FUZZ_NO_THROW("parse_stateless_agent", parse_stateless_agent(rest));
      if (agent.ok()) FUZZ_CHECK(!agent->id.empty() && !agent->ip.empty(), "an agent has an id and an ip");
      return;
    }
    case 6:
      event.reset();
      event.location = "/var/log/fuzz";
      event.full_log.assign(rest);
      break;
    default:
      event.reset();
      event.location.assign(rest);
      event.full_log = "Dec 29 10:00:01 web1 sshd[1]: fuzz";
      break;
  }
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.error().message.empty(), "errors say what is wrong");
    return;
  }
  if (event.location.size() > kMaxLocationLength && mode <= 4) {
    FUZZ_CHECK(false, "locations stay within Wazuh's cap");
  }
  check_predecode(event);
}

void run_patterns(int mode, std::string_view rest) {
  if (mode == 8) {
    const auto match = FUZZ_NO_THROW("IpMatch::parse", IpMatch::parse(rest));
    if (match.ok()) {
      const bool verdict = FUZZ_NO_THROW("IpMatch::matches", match->matches(rest));
      IpMatchList list;
      list.add(match.value());
      FUZZ_CHECK(list.matches(rest) == verdict, "a one-pattern list is the pattern");
    }
    return;
  }
  if (mode == 9) {
    const auto window = FUZZ_NO_THROW("TimeWindow::parse", TimeWindow::parse(rest));
    if (window.ok()) FUZZ_CHECK(window->start() <= window->end(), "a window is normalised");
    const auto days = FUZZ_NO_THROW("WeekdaySet::parse", WeekdaySet::parse(rest));
    if (days.ok()) FUZZ_CHECK(!days->matches(7), "weekday 7 never matches");
    return;
  }
  const auto list = FUZZ_NO_THROW("CdbList::parse", CdbList::parse(rest, "fuzz"));
  FUZZ_CHECK(list.ok(), "a non-strict list always parses");
  const ValuePredicate any_value = [](std::string_view) { return true; };
  std::size_t lines = 0;
  while (!rest.empty() && lines++ < 64) {
    const auto line = rest.substr(0, rest.find('\n'));
    const auto key = line.substr(0, line.find(':'));
    for (int kind = 0; kind <= static_cast<int>(ListLookup::address_match_key_value); ++kind) {
      FUZZ_NO_THROW("CdbList::lookup", list->lookup(static_cast<ListLookup>(kind), key, any_value));
    }
    FUZZ_CHECK(list->match_key(key) == list->find(key).has_value(), "match_key is find");
    if (line.size() == rest.size()) break;
    rest.remove_prefix(line.size() + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static Event event;  // reused, as a worker reuses its Event
  const int mode = data[0] % 11;
  const auto rest = herald::fuzz::as_text(data + 1, size - 1);
  if (mode >= 8) {
    run_patterns(mode, rest);
  } else {
    run_source(mode, rest, event);
  }
  return 0;
}
