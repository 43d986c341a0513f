#pragma once
// The agents registration service (authd, TCP 1515, TLS always): one request, one reply, close
// (legacy-4x-protocol.md §1). The decision is EnrollmentService's, run on the blocking pool.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <memory>

#include "core/metrics.h"
#include "core/result.h"
#include "engine/blocking_pool.h"
#include "legacy/enrollment_service.h"
#include "legacy/legacy_options.h"

namespace herald::legacy {

class EnrollmentServer {
 public:
  // `decided` is called (on the pool) for every request decided, enrolled or refused, with the
  // peer's address, before its reply is written.
  using Decided = std::function<void(const EnrollmentDecision&, const std::string& source_address)>;
  EnrollmentServer(boost::asio::io_context& io, const EnrollmentOptions& options, EnrollmentService& service,
                   engine::BlockingPool& pool, core::MetricsRegistry& metrics, Decided decided);
  ~EnrollmentServer();
  EnrollmentServer(const EnrollmentServer&) = delete;
  EnrollmentServer& operator=(const EnrollmentServer&) = delete;

  // Builds the TLS context (certificate, agent CA) and binds. Errors name what failed.
  core::Result<boost::asio::ip::tcp::endpoint> listen();
  void start();
  // Stops accepting; requests in progress finish (each is bounded by the timeout).
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace herald::legacy
