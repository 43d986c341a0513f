#include "worker_pool.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "fleet_worker.h"
#include "http_client.h"
#include "spawned_server.h"

namespace herald::bench {

namespace asio = boost::asio;
using asio::ip::tcp;

WorkerPool::WorkerPool(const Fleet& fleet, const AgentFleetOptions& options, const std::string& comms_url) {
  const auto comms = parse_http_url(comms_url);
  tcp::endpoint server_endpoint;
  {
    asio::io_context resolve_io;
    tcp::resolver resolver(resolve_io);
    server_endpoint = *resolver.resolve(comms.host, comms.port).begin();
  }
  std::vector<asio::ip::address> sources;
  if (server_endpoint.address().is_v4() && server_endpoint.address().to_v4().to_bytes()[0] == 127) {
    for (std::size_t k = 1; k <= options.source_addresses; ++k) {
      sources.push_back(asio::ip::make_address_v4("127.0.0." + std::to_string(k)));
    }
  }
  const auto agents = fleet.agent_ids.size();
  const auto workers = std::max<std::size_t>(1, std::min(options.workers, agents));
  const auto per_worker = (agents + workers - 1) / workers;
  std::cout.flush();
  std::cerr.flush();
  for (std::size_t w = 0; w < workers; ++w) {
    const auto first = w * per_worker;
    const auto last = std::min(agents, first + per_worker);
    if (first >= last) break;
    int down[2], up[2];
    if (::pipe(down) != 0 || ::pipe(up) != 0) throw std::runtime_error("pipe failed");
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the coordinator
      for (const auto& other : processes_) {
        ::close(other.to_worker);
        ::close(other.from_worker);
      }
      ::close(down[1]);
      ::close(up[0]);
      WorkerConfig config;
      config.first_index = first;
      config.ids.assign(fleet.agent_ids.begin() + static_cast<long>(first),
                        fleet.agent_ids.begin() + static_cast<long>(last));
      config.keys.assign(fleet.agent_keys.begin() + static_cast<long>(first),
                         fleet.agent_keys.begin() + static_cast<long>(last));
      config.server = server_endpoint;
      config.host = comms.host;
      config.sources = sources;
      config.auth_concurrency = std::max<std::size_t>(1, options.auth_concurrency / workers);
      config.park_concurrency = std::max<std::size_t>(1, options.park_concurrency / workers);
      config.repoll_delay_ms = options.repoll_delay_ms;
      config.in_fd = down[0];
      config.out_fd = up[1];
      run_worker(std::move(config));
    }
    ::close(down[0]);
    ::close(up[1]);
    processes_.push_back(Process{child, down[1], up[0]});
    spdlog::info("worker {} (pid {}): agents {}..{}", w, child, first, last - 1);
  }
}

WorkerPool::~WorkerPool() {
  for (const auto& process : processes_) {
    write_line(process.to_worker, "quit\n");
    ::close(process.to_worker);
  }
  for (const auto& process : processes_) {
    int status = 0;
    ::waitpid(process.pid, &status, 0);
    ::close(process.from_worker);
  }
}

void WorkerPool::tell(const std::string& line) const {
  for (const auto& process : processes_) {
    if (!write_line(process.to_worker, line)) throw std::runtime_error("a fleet worker is gone");
  }
}

double WorkerPool::cpu_seconds() const {
  double total = 0;
  for (const auto& process : processes_) total += std::max(0.0, process_cpu_seconds(process.pid));
  return total;
}

std::vector<int> WorkerPool::event_fds() const {
  std::vector<int> fds;
  for (const auto& process : processes_) fds.push_back(process.from_worker);
  return fds;
}

}  // namespace herald::bench
