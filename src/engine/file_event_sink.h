#pragma once
// The default EventSink: NDJSON lines appended to `<directory>/events.ndjson`, readable with
// `jq`, rotated by size. One line per stateful event:
//   {"type":"stateful","received_at":"<UTC>","agent":{..},"index":..,"id":..,"module":..,
//    "collector":..,"operation":..,"data":{..}}      (id, collector and data only when present)
// and one line per non-blank line of a stateless body, in body order:
//   {"type":"stateless","received_at":"<UTC>","agent_id":..,"event":<the line as JSON if it
//    parses, else as a string>}
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "engine/event_sink.h"
#include "engine/rotating_file.h"

namespace herald::engine {

struct FileEventSinkOptions {
  std::string directory;
  // When a write would take events.ndjson past this size, the file is rotated first. A single
  // write larger than this still goes whole into a fresh file.
  std::uint64_t max_file_bytes = 64ull << 20;
  // Files kept, events.ndjson included: events.1.ndjson (newest rotated) .. events.<max_files-1>.ndjson.
  int max_files = 8;
};

class FileEventSink final : public EventSink {
 public:
  // Creates the directory if needed and opens events.ndjson for appending. Errors:
  // invalid_argument for bad options, unavailable when the directory or file cannot be opened.
  // `clock` stamps received_at and must outlive the sink.
  static core::Result<std::unique_ptr<FileEventSink>> open(FileEventSinkOptions options, const core::Clock& clock);
  ~FileEventSink() override;

  // Each call is all-or-nothing as far as the OS allows: its lines are built first, then appended
  // with one write loop; if the write fails, what it appended is truncated away. Errors are
  // unavailable(<path>: <errno text>). Safe for concurrent use (calls are serialized).
  core::Status write_stateful(const core::StatefulBatch& batch) override;
  core::Status write_stateless(const std::string& agent_id, std::string_view body) override;

  // <directory>/events.ndjson, and <directory>/events.<n>.ndjson for n >= 1.
  std::string file_path(int generation = 0) const;

 private:
  FileEventSink(std::unique_ptr<RotatingFile> file, const core::Clock& clock);

  std::unique_ptr<RotatingFile> file_;
  const core::Clock& clock_;
};

}  // namespace herald::engine
