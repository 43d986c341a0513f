#pragma once
// The largest request body each kind of route reads (http.body_limits in heraldd.yml; beyond:
// 413, the body unread). Plain data: app/ fills it from the config, api/ registers routes with it.
#include <cstddef>

namespace herald::api {

struct BodyLimits {
  std::size_t commands = 4 * 1024 * 1024;         // POST .../commands
  std::size_t events = 10 * 1024 * 1024;          // the agents' event batches, server modules' results
  std::size_t group_configuration = 1024 * 1024;  // PUT /groups/{id}/configuration
  std::size_t authentication = 4 * 1024;          // the open login routes (read before anyone is known)
  std::size_t other = 1024 * 1024;                // every other route
  std::size_t no_body = 4 * 1024;                 // GETs, which carry none
};

}  // namespace herald::api
