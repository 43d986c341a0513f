#pragma once
// analysis.mode jetstream, wired: a JetStream connection of its own (nats.url), the analysis
// stream with the configured limits, and this node's partitions (README "Scale-out").
#include <memory>

#include "app/config.h"
#include "bus/durable_stream.h"
#include "core/metrics.h"
#include "engine/analysis_service.h"
#include "engine/analysis_stream.h"

namespace herald::app {

struct AnalysisStreamParts {
  std::unique_ptr<bus::DurableStream> stream;
  std::unique_ptr<engine::AnalysisStream> forwarding;

  // Stops fetching; messages handed out can still be acked (call before AnalysisService::stop()).
  void stop_consuming();
  // Settles the last publishes and disconnects (after AnalysisService::stop()).
  void close();
};

// Null when analysis.mode is local. Never blocks on NATS: the stream connects in the background.
std::unique_ptr<AnalysisStreamParts> start_analysis_stream(const Config& config, engine::AnalysisService& service,
                                                           core::MetricsRegistry& metrics);

}  // namespace herald::app
