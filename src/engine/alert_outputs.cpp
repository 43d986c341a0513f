#include "engine/alert_outputs.h"

#include <spdlog/spdlog.h>

namespace herald::engine {

core::Result<std::unique_ptr<AlertOutputs>> AlertOutputs::open(AlertOutputsOptions options, BusPublisher& publisher,
                                                               core::MetricsRegistry& metrics) {
  auto file = RotatingFile::open({std::move(options.directory), "alerts", ".json", options.max_file_bytes,
                                  options.max_files});
  if (!file) return core::Error{file.error().kind, "alert log: " + file.error().message};
  return std::unique_ptr<AlertOutputs>(new AlertOutputs(std::move(*file), publisher, metrics));
}

AlertOutputs::AlertOutputs(std::unique_ptr<RotatingFile> file, BusPublisher& publisher, core::MetricsRegistry& metrics)
    : file_(std::move(file)),
      publisher_(publisher),
      file_failures_(metrics.counter("herald_alerts_lost_total", "Alerts an output could not take", {"output"},
                                     {"file"})) {}

void AlertOutputs::deliver(const analysis::AlertRecord& alert) {
  std::string line;
  line.reserve(alert.json.size() + 1);
  line += alert.json;
  line += '\n';
  if (auto written = file_->append(line); !written) {
    file_failures_.inc();
    spdlog::warn("alert log: alert {} (rule {}) not written: {}", alert.id, alert.rule_id, written.error().message);
  }
  publisher_.alert(alert.level, alert.rule_id, alert.json);
  if (indexer_) indexer_->deliver(alert);
  for (auto& integration : integrations_) integration->deliver(alert);
  if (store_writer_) store_writer_->deliver(alert);
}

}  // namespace herald::engine
