#pragma once
// The indexer forwarder's durable buffer: records (one line each, no '\n' inside) appended to
// segment files `<directory>/<20-digit sequence>.seg`, read in order from a committed position
// that lives in `<directory>/cursor` ("<segment> <offset>\n", replaced atomically). Only a
// commit moves that position, so what was read but not committed is read again after a restart
// (at-least-once). Segments wholly behind the position are deleted.
//
// Bounded: when an append would take the unsent bytes past max_bytes, the new record is refused
// (the newest is dropped: what is already buffered keeps its place in line).
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::engine {

struct AlertBufferOptions {
  std::string directory;
  std::uint64_t max_bytes = 1ull << 30;       // unsent bytes (records and their newlines)
  std::uint64_t segment_bytes = 16ull << 20;  // a new segment starts past this size
};

struct BufferPosition {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
};

struct BufferBatch {
  std::vector<std::string> records;  // in order, without their newlines
  BufferPosition end;                // commit(end) acknowledges exactly these records
  std::uint64_t bytes = 0;           // what they took in the buffer
};

class AlertBuffer {
 public:
  // Creates the directory if needed, drops a torn record at the end of the newest segment (a
  // crash mid-write), and counts what is unsent. Errors: invalid_argument for bad options,
  // unavailable when the directory, a segment or the cursor cannot be read or written.
  static core::Result<std::unique_ptr<AlertBuffer>> open(AlertBufferOptions options);
  ~AlertBuffer();
  AlertBuffer(const AlertBuffer&) = delete;
  AlertBuffer& operator=(const AlertBuffer&) = delete;

  // Appends one record (no fsync: see sync()). Returns false, appending nothing, when the buffer
  // is full or the record holds a newline. Errors: unavailable(<path>: <errno text>) when the
  // write fails (what it wrote is truncated away). Safe for concurrent use.
  core::Result<bool> append(std::string_view record);

  // Flushes what was appended so far to the disk (fdatasync of every segment written since the
  // last sync). Errors: unavailable. REQUIRES: one reader thread (the one that reads and commits).
  core::Status sync();

  // Up to max_records records (at least one, whatever max_bytes says) from the committed position,
  // within one segment, taking at most max_bytes unless the first record alone is larger. An empty
  // batch when nothing is unsent. The position does not move. Errors: unavailable on a read error.
  // REQUIRES: one reader thread.
  core::Result<BufferBatch> read(std::size_t max_records, std::uint64_t max_bytes);

  // Moves the committed position to `end` (from a batch read since the last commit; replaced
  // atomically, not fsynced: a power cut may roll it back, never forward), and deletes the
  // segments behind it. Errors: unavailable (the position is then unchanged on disk
  // and in memory). REQUIRES: one reader thread.
  core::Status commit(const BufferPosition& end, std::size_t records);

  std::uint64_t unsent_bytes() const { return unsent_bytes_.load(std::memory_order_relaxed); }
  std::size_t unsent_records() const { return unsent_records_.load(std::memory_order_relaxed); }

 private:
  struct Segment {
    std::uint64_t sequence;
    std::uint64_t size;
  };
  explicit AlertBuffer(AlertBufferOptions options);

  std::string segment_path(std::uint64_t sequence) const;
  core::Status recover();                            // at open: segments, cursor, counts
  core::Status open_writer(std::uint64_t sequence);  // REQUIRES: mutex_ held
  core::Status write_cursor(const BufferPosition& position) const;

  const AlertBufferOptions options_;
  mutable std::mutex mutex_;
  std::vector<Segment> segments_;    // ascending; the last one is written to; guarded by mutex_
  int writer_fd_ = -1;               // guarded by mutex_
  std::uint64_t unsynced_from_ = 0;  // first segment sequence not known to be on disk; guarded by mutex_
  BufferPosition committed_;         // the reader's only
  std::atomic<std::uint64_t> unsent_bytes_{0};
  std::atomic<std::size_t> unsent_records_{0};
};

}  // namespace herald::engine
