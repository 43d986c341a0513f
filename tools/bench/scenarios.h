// The ingest scenarios, one per file. Each returns its JSON result object; each throws only when
// it cannot run at all (setup failure), and records per-request failures in its result instead.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "bench_context.h"
#include "fleet.h"
#include "ingest_options.h"

namespace herald::bench {

// REQUIRES: fleet.group names a group holding every fleet agent.
boost::asio::awaitable<boost::json::object> run_group_fanout(const BenchContext& context, const Fleet& fleet,
                                                             const IngestOptions& options);

// REQUIRES: at least one enrolled agent.
boost::asio::awaitable<boost::json::object> run_single_agent(const BenchContext& context, const Fleet& fleet,
                                                             const IngestOptions& options);

// Not in the default set: GET /health under the single-agent load shape, as a floor.
boost::asio::awaitable<boost::json::object> run_http_baseline(const BenchContext& context, const IngestOptions& options);

// Not in the default set: the http-baseline loop alone, then beside --slow-connections slowloris
// connections; the latency ratios.
boost::asio::awaitable<boost::json::object> run_slowloris(const BenchContext& context, const IngestOptions& options);

// REQUIRES: fleet.group names a group holding every fleet agent.
boost::asio::awaitable<boost::json::object> run_expiry(const BenchContext& context, const Fleet& fleet,
                                                       const IngestOptions& options);

}  // namespace herald::bench
