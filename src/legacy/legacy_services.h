#pragma once
// What the 1514 sessions need, borrowed from app/ which owns everything for the process's life.
#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "engine/analysis_service.h"
#include "engine/blocking_pool.h"
#include "engine/bus_publisher.h"
#include "engine/dispatcher.h"
#include "engine/event_sink.h"
#include "engine/liveness.h"
#include "engine/result_service.h"
#include "legacy/key_cache.h"
#include "legacy/legacy_options.h"
#include "legacy/push_confirmations.h"
#include "legacy/shared_files.h"
#include "store/store.h"

namespace herald::legacy {

struct LegacyServices {
  store::Store& store;
  engine::BlockingPool& pool;
  engine::Liveness& liveness;
  engine::Dispatcher& dispatcher;
  engine::ResultService& results;
  engine::EventSink& events;
  engine::BusPublisher& publisher;
  core::MetricsRegistry& metrics;
  const core::Clock& clock;
  std::string node_name;
  KeyCache& keys;
  SharedFiles& shared;
  PushConfirmations& confirmations;
  const RemoteOptions& options;
  std::string max_agent_version;  // startup messages of newer agents get "#!-err"
  // herald_legacy_messages_total{kind}, looked up once (RemoteServer sets them): counting a
  // message must not cost a registry lookup on the per-message path.
  core::Counter* control_messages = nullptr;
  core::Counter* event_messages = nullptr;
  // The analysis engine; null when analysis is off.
  engine::AnalysisService* analysis = nullptr;
};

}  // namespace herald::legacy
