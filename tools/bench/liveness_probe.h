// heraldd's view of agent liveness, read over the Management API: the /metrics counters and
// gauges, GET /agents/summary/status, and GET /agents filtered by status.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "api_client.h"
#include "bench_context.h"

namespace herald::bench {

struct LivenessMetrics {
  double keepalive_writes = 0;  // herald_keepalive_writes_total
  double transitions = 0;       // herald_status_transitions_total
  double active = 0;            // herald_agents_live{status="active"}
  double pending = 0;           // herald_agents_live{status="pending"}
  double tracked = 0;           // herald_agents_live{status="tracked"}
  double parked_polls = 0;      // herald_parked_polls

  boost::json::object gauges_json() const;
};

struct ConnectionSummary {
  std::size_t active = 0, disconnected = 0, never_connected = 0, pending = 0, total = 0;

  boost::json::object to_json() const;
};

struct AgentStatusRow {
  std::string id;
  std::string status;
  int status_code = 0;
};

// One keep-alive connection to the management listener. Single io thread.
class LivenessProbe {
 public:
  explicit LivenessProbe(const BenchContext& context);

  // Throw std::runtime_error on a non-200 reply or a body without the expected fields.
  boost::asio::awaitable<LivenessMetrics> metrics();
  boost::asio::awaitable<ConnectionSummary> summary();
  // GET /agents?status=<statuses>&select=status,status_code&limit=100000.
  boost::asio::awaitable<std::vector<AgentStatusRow>> agents_with_status(std::string statuses);

 private:
  ApiClient client_;
};

}  // namespace herald::bench
