#pragma once
// analysis.mode jetstream (README "Scale-out"): every analysis input this node receives is
// published to the analysis stream, in the partition of its agent, instead of being analysed
// here; the partitions this node consumes are analysed here, each input acked once its worker is
// done with it, so that an input is analysed at least once even when a node dies mid-way.
//
// Order: one partition is one durable consumer, fetched by one thread, and AnalysisService keeps
// each agent on one worker, so one agent's inputs are analysed in the order they were published.
//
// Failure: an input the stream does not take (NATS down, stream missing, no ack in time) is
// counted and analysed here instead of being lost. A message that is not a valid input is acked
// (so it does not come back for ever) and counted. An input whose worker queue is full is given
// back (nak) and delivered again a second later.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bus/durable_stream.h"
#include "core/metrics.h"
#include "engine/analysis_service.h"

namespace herald::engine {

struct AnalysisStreamOptions {
  std::uint32_t partitions = 16;
  std::vector<std::uint32_t> consumed;             // partitions this node analyses
  std::string durable_prefix = "HERALD_ANALYSIS";  // consumer of partition p: "<prefix>_p<p>"
};

class AnalysisStream {
 public:
  AnalysisStream(bus::DurableStream& stream, AnalysisService& service, AnalysisStreamOptions options,
                 core::MetricsRegistry& metrics);
  AnalysisStream(const AnalysisStream&) = delete;
  AnalysisStream& operator=(const AnalysisStream&) = delete;

  // Makes `service` forward to the stream, subscribes the consumed partitions and starts the stream.
  void start();

  // Publishes each input to its agent's partition (what AnalysisService::submit() calls).
  void forward(std::vector<AnalysisInput> inputs);

 private:
  void on_published(bool stored, std::string_view data);
  void on_message(const std::shared_ptr<bus::DurableMessage>& message);

  bus::DurableStream& stream_;
  AnalysisService& service_;
  const AnalysisStreamOptions options_;
  core::Counter* published_;
  core::Counter* publish_failures_;
  core::Counter* consumed_;
  core::Counter* acked_;
  core::Counter* redelivered_;
  core::Counter* bad_messages_;
  std::atomic<bool> publish_failure_logged_{false};  // one log line per streak of failures
};

}  // namespace herald::engine
