#pragma once
// The "output" object of a wazuh-logtest answer: what analysisd's w_logtest_process_log makes of
// one event, as Wazuh 4.x's API returns it.
//   - It is the event's alert JSON (alert_json.h) whether or not an alert is raised: with a rule
//     of level 0 the "rule" object is there with "level": 0 (Wazuh adds it, alerts.json leaves it
//     out); with no rule at all there is no "rule" object.
//   - "timestamp" is in UTC with microseconds ("2021-05-27T12:46:03.391000Z"): the API's
//     framework rewrites analysisd's local time that way.
#include <boost/json/object.hpp>
#include <cstdint>

#include "analysis/alert_json.h"
#include "analysis/analyzer.h"

namespace herald::analysis {

// `trace` must come from Analyzer::trace or trace_logtest, with `trace.predecoded` true; its
// views are read here and not kept. `alert_offset` is the id's second part.
boost::json::object logtest_output(const Analyzer::Trace& trace, const AlertJsonOptions& options,
                                   std::int64_t now_seconds, std::uint64_t alert_offset);

// "YYYY-MM-DDTHH:MM:SS.mmm+hhmm" (alert_timestamp) as the API shows it: in UTC, "...ssssssZ".
std::string logtest_timestamp(std::int64_t seconds, int milliseconds);

}  // namespace herald::analysis
