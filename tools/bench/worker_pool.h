// The coordinator's side of the agent worker processes (fleet_worker.h): forks them, one slice of
// the fleet each, talks to them over pipes and stops them.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "fleet.h"
#include "fleet_options.h"

namespace herald::bench {

class WorkerPool {
 public:
  // Forks options.workers processes for fleet.agent_ids, speaking to the comms listener at
  // `comms_url`. Agent sockets bind to 127.0.0.1 … 127.0.0.K when that listener is on loopback.
  // Call it while no io_context with pending work exists (the children inherit the process).
  // Throws std::runtime_error when a pipe or fork fails.
  WorkerPool(const Fleet& fleet, const AgentFleetOptions& options, const std::string& comms_url);
  // Tells every worker to quit and waits for it.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Sends `line` (with its newline) to every worker. Throws std::runtime_error if one is gone.
  void tell(const std::string& line) const;
  // CPU seconds all workers have used so far.
  double cpu_seconds() const;
  // The pipes the workers report on, one per worker (owned by the pool).
  std::vector<int> event_fds() const;
  std::size_t size() const { return processes_.size(); }

 private:
  struct Process {
    pid_t pid = -1;
    int to_worker = -1;    // its commands
    int from_worker = -1;  // its events
  };
  std::vector<Process> processes_;
};

}  // namespace herald::bench
