// `herald-bench alerts`: issue 17's figures. `alerts forwarder` (in-process: the indexer
// forwarder to a loopback _bulk receiver) and `alerts response` (a spawned heraldd: event sent to
// active-response order delivered on an agent's parked long poll) and `alerts search` (GET /alerts
// over a store filled through the events API).
#pragma once

namespace herald::bench {

int run_alerts(int argc, char** argv);
int run_alerts_forwarder(int argc, char** argv);
int run_alerts_response(int argc, char** argv);
int run_alerts_search(int argc, char** argv);

}  // namespace herald::bench
