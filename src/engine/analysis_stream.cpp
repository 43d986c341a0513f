#include "engine/analysis_stream.h"

#include <spdlog/spdlog.h>

#include "engine/analysis_stream_format.h"

namespace herald::engine {

AnalysisStream::AnalysisStream(bus::DurableStream& stream, AnalysisService& service, AnalysisStreamOptions options,
                               core::MetricsRegistry& metrics)
    : stream_(stream), service_(service), options_(std::move(options)) {
  published_ = &metrics.counter("herald_analysis_stream_published_total",
                                "Analysis inputs stored in the analysis stream (analysis.mode jetstream)");
  publish_failures_ = &metrics.counter(
      "herald_analysis_stream_publish_failures_total",
      "Analysis inputs the analysis stream did not take (NATS down, no ack in time); analysed on this node instead");
  consumed_ = &metrics.counter("herald_analysis_stream_consumed_total",
                               "Messages this node fetched from its partitions of the analysis stream");
  acked_ =
      &metrics.counter("herald_analysis_stream_acked_total", "Consumed messages acked: analysed, or skipped as bad");
  redelivered_ =
      &metrics.counter("herald_analysis_stream_redelivered_total",
                       "Consumed messages that had been delivered before (not acked in time, or given back)");
  bad_messages_ = &metrics.counter("herald_analysis_stream_bad_messages_total",
                                   "Consumed messages that are not a valid analysis input: acked and skipped");
}

void AnalysisStream::start() {
  stream_.set_publish_outcome(
      [this](bool stored, std::string_view, std::string_view data) { on_published(stored, data); });
  for (auto partition : options_.consumed) {
    stream_.consume(analysis_subject(partition), options_.durable_prefix + "_p" + std::to_string(partition),
                    [this](std::shared_ptr<bus::DurableMessage> message) { on_message(message); });
  }
  service_.forward_to([this](std::vector<AnalysisInput> inputs) { forward(std::move(inputs)); });
  stream_.start();
}

void AnalysisStream::forward(std::vector<AnalysisInput> inputs) {
  std::vector<AnalysisInput> here;
  for (auto& input : inputs) {
    const auto subject = analysis_subject(analysis_partition(input.agent_id, options_.partitions));
    if (stream_.publish(subject, encode_analysis_input(input))) continue;
    publish_failures_->inc();
    here.push_back(std::move(input));
  }
  if (here.empty()) return;
  if (!publish_failure_logged_.exchange(true)) {
    spdlog::warn("analysis stream: NATS did not take an event; analysing here instead (logged once per outage)");
  }
  service_.analyse_here(std::move(here));
}

void AnalysisStream::on_published(bool stored, std::string_view data) {
  if (stored) {
    published_->inc();
    publish_failure_logged_ = false;
    return;
  }
  publish_failures_->inc();
  if (!publish_failure_logged_.exchange(true)) {
    spdlog::warn("analysis stream: JetStream did not store an event; analysing here instead (logged once per outage)");
  }
  // The data is what forward() encoded, so it decodes; analysing it here beats losing it.
  if (auto input = decode_analysis_input(data)) {
    std::vector<AnalysisInput> here;
    here.push_back(std::move(input).value());
    service_.analyse_here(std::move(here));
  }
}

void AnalysisStream::on_message(const std::shared_ptr<bus::DurableMessage>& message) {
  consumed_->inc();
  if (message->delivery_count() > 1) redelivered_->inc();
  auto input = decode_analysis_input(message->data());
  if (!input) {
    bad_messages_->inc();
    spdlog::warn("analysis stream: skipped a message that is not an analysis input: {}", input.error().message);
    message->ack();
    acked_->inc();
    return;
  }
  input->done = [this, message](bool analysed) {
    if (!analysed) {
      message->nak();  // the worker's queue is full: again in a second
      return;
    }
    message->ack();
    acked_->inc();
  };
  std::vector<AnalysisInput> inputs;
  inputs.push_back(std::move(input).value());
  service_.analyse_here(std::move(inputs));
}

}  // namespace herald::engine
