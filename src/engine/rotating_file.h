#pragma once
// An append-only file of JSON lines, rotated by size: `<directory>/<stem><extension>` is the
// current file, `<stem>.1<extension>` the newest rotated one, up to `<stem>.<max_files-1>`.
// Used by the event sink (events.ndjson) and the alert log (alerts.json).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace herald::engine {

struct RotatingFileOptions {
  std::string directory;
  std::string stem;       // "events"
  std::string extension;  // ".ndjson"
  // When an append would take the current file past this size, the file is rotated first. A
  // single append larger than this still goes whole into a fresh file.
  std::uint64_t max_file_bytes = 64ull << 20;
  int max_files = 8;  // the current file included
};

class RotatingFile {
 public:
  // Creates the directory if needed and opens the current file for appending. Errors:
  // invalid_argument for bad options, unavailable when the directory or file cannot be opened.
  static core::Result<std::unique_ptr<RotatingFile>> open(RotatingFileOptions options);
  ~RotatingFile();
  RotatingFile(const RotatingFile&) = delete;
  RotatingFile& operator=(const RotatingFile&) = delete;

  // Appends `text` (whole lines) with one write loop; if the write fails, what it appended is
  // truncated away, so readers never see half of it. A file moved or deleted behind our back
  // (logrotate, an operator) is reopened at its path. Errors are unavailable(<path>: <errno
  // text>). Safe for concurrent use (appends are serialized).
  core::Status append(std::string_view text);

  // The current file for generation 0, the rotated ones for n >= 1.
  std::string path(int generation = 0) const;

 private:
  explicit RotatingFile(RotatingFileOptions options);

  core::Status open_current();  // REQUIRES: mutex_ held
  bool still_at_path() const;   // the open file is still the one at path(); REQUIRES: mutex_ held
  core::Status rotate();        // REQUIRES: mutex_ held

  const RotatingFileOptions options_;
  std::mutex mutex_;
  int fd_ = -1;                 // the current file, or -1 after a failed rotation (reopened on next append)
  std::uint64_t file_size_ = 0;  // bytes in the current file
};

}  // namespace herald::engine
