#pragma once
// The whole server process, wired from a Config: store, engine, both listeners, metrics,
// scheduler and retention. main() only parses arguments and waits for a signal; tests can run a
// Heraldd in-process the same way.
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "app/bootstrap.h"
#include "app/config.h"
#include "core/result.h"

namespace herald::app {

class Heraldd {
 public:
  explicit Heraldd(Config config);
  ~Heraldd();

  // Opens the store, bootstraps secrets and the admin user, binds both listeners and starts
  // serving on `threads` io threads. Returns a clear error (bad store, port in use, TLS files).
  core::Status start(std::size_t threads);
  // Blocks until SIGINT/SIGTERM, then stops gracefully: stop accepting, finish in-flight
  // requests, flush the store. Returns the process exit code.
  int wait_for_signal_and_stop();

  std::string management_url() const;
  std::string comms_url() const;
  // host:port of the Wazuh 4.x listeners (empty when disabled).
  std::string enrollment_address() const;
  std::string remote_address() const;
  // Whether this start created the admin user, and where its password is.
  const AdminCreation& admin_creation() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace herald::app
