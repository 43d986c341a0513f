#pragma once
// What handlers need, borrowed from app/ which owns everything for the process's life.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/body_limits.h"
#include "auth/credential_cache.h"
#include "auth/jwt.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "engine/analysis_service.h"
#include "engine/blocking_pool.h"
#include "engine/bus_publisher.h"
#include "engine/command_service.h"
#include "engine/dispatcher.h"
#include "engine/event_sink.h"
#include "engine/group_configurations.h"
#include "engine/herald_events.h"
#include "engine/liveness.h"
#include "engine/result_service.h"
#include "engine/ruleset_manager.h"
#include "store/store.h"

namespace herald::api {

struct ApiContext {
  store::Store& store;
  engine::BlockingPool& pool;
  engine::CommandService& commands;
  const auth::TokenSigner& tokens;
  auth::FailureRateLimiter& login_failures;
  auth::VerifiedCredentialCache& verified_credentials;
  core::MetricsRegistry& metrics;
  const core::Clock& clock;
  std::int64_t token_ttl_seconds = 900;
  std::string node_name;
  // Comms API
  engine::Dispatcher& dispatcher;
  engine::ResultService& results;
  engine::EventSink& events;
  auth::FailureRateLimiter& agent_auth_failures;
  // Liveness and events out
  engine::Liveness& liveness;
  engine::BusPublisher& publisher;
  // Group configurations (the files agents fetch); every write to groups tells it.
  engine::GroupConfigurations& group_configurations;
  // Read when the routes are registered.
  BodyLimits body_limits{};
  // The analysis engine; null when analysis is off.
  engine::AnalysisService* analysis = nullptr;
  // Herald's own events for analysis (enrolments, failed logins); null when analysis is off.
  engine::HeraldEvents* herald_events = nullptr;
  // Custom ruleset files (PUT /rules/files/{name} ...); null when analysis is off.
  engine::RulesetManager* rulesets = nullptr;
};

}  // namespace herald::api
