#include "app/analysis_stream_setup.h"

#include <spdlog/spdlog.h>

#include "bus/nats/nats_durable_stream.h"

namespace herald::app {

void AnalysisStreamParts::stop_consuming() {
  stream->stop_consuming();
}
void AnalysisStreamParts::close() {
  stream->close();
}

std::unique_ptr<AnalysisStreamParts> start_analysis_stream(const Config& config, engine::AnalysisService& service,
                                                           core::MetricsRegistry& metrics) {
  const auto& analysis = config.analysis;
  if (analysis.mode != "jetstream") return nullptr;
  bus::NatsDurableStreamOptions options;
  options.url = config.nats.url;
  options.prefix = config.nats.subject_prefix;
  options.connection_name = config.node_name + " analysis";
  options.stream_name = analysis.stream;
  options.max_age = std::chrono::seconds(analysis.stream_max_age_seconds);
  options.max_bytes = analysis.stream_max_bytes;
  options.ack_wait = std::chrono::seconds(analysis.stream_ack_wait_seconds);

  engine::AnalysisStreamOptions stream_options;
  stream_options.partitions = static_cast<std::uint32_t>(analysis.partitions);
  stream_options.durable_prefix = analysis.stream;
  if (analysis.jetstream_partitions_all) {
    for (std::uint32_t p = 0; p < stream_options.partitions; ++p) stream_options.consumed.push_back(p);
  } else {
    for (auto p : analysis.jetstream_partitions) stream_options.consumed.push_back(static_cast<std::uint32_t>(p));
  }
  auto parts = std::make_unique<AnalysisStreamParts>();
  parts->stream = std::make_unique<bus::NatsDurableStream>(options);
  parts->forwarding = std::make_unique<engine::AnalysisStream>(*parts->stream, service, stream_options, metrics);
  metrics.gauge_callback("herald_analysis_stream_connected", "1 when the analysis stream's NATS link is up", {},
                         [stream = parts->stream.get()] {
                           return core::MetricsRegistry::Samples{{{}, stream->connected() ? 1.0 : 0.0}};
                         });
  parts->forwarding->start();
  spdlog::info("analysis: mode jetstream, stream {} ({} partitions), this node consumes {} of them", analysis.stream,
               stream_options.partitions, stream_options.consumed.size());
  return parts;
}

}  // namespace herald::app
