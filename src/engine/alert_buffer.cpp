#include "engine/alert_buffer.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace herald::engine {

namespace fs = std::filesystem;

namespace {

core::Error io_error(const std::string& path) {
  return core::unavailable(path + ": " + std::strerror(errno));
}

// Reads exactly `size` bytes at `offset` (short only at end of file).
bool read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return true;
}

class FileHandle {
 public:
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

AlertBuffer::AlertBuffer(AlertBufferOptions options) : options_(std::move(options)) {}

AlertBuffer::~AlertBuffer() {
  if (writer_fd_ >= 0) ::close(writer_fd_);
}

core::Result<std::unique_ptr<AlertBuffer>> AlertBuffer::open(AlertBufferOptions options) {
  if (options.directory.empty()) return core::invalid_argument("buffer directory is empty");
  if (options.max_bytes == 0 || options.segment_bytes == 0)
    return core::invalid_argument("buffer sizes must be positive");
  std::unique_ptr<AlertBuffer> buffer(new AlertBuffer(std::move(options)));
  if (auto recovered = buffer->recover(); !recovered) return recovered.error();
  return buffer;
}

std::string AlertBuffer::segment_path(std::uint64_t sequence) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.seg", static_cast<unsigned long long>(sequence));
  return options_.directory + "/" + name;
}

core::Status AlertBuffer::recover() {
  std::error_code ec;
  fs::create_directories(options_.directory, ec);
  if (ec) return core::unavailable(options_.directory + ": " + ec.message());
  for (const auto& entry : fs::directory_iterator(options_.directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 24 || !name.ends_with(".seg") ||
        !std::all_of(name.begin(), name.begin() + 20, [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    segments_.push_back({std::stoull(name.substr(0, 20)), static_cast<std::uint64_t>(entry.file_size())});
  }
  if (ec) return core::unavailable(options_.directory + ": " + ec.message());
  std::sort(segments_.begin(), segments_.end(),
            [](const Segment& a, const Segment& b) { return a.sequence < b.sequence; });

  BufferPosition cursor{1, 0};
  if (std::ifstream in(options_.directory + "/cursor"); in) {
    unsigned long long segment = 0, offset = 0;
    if (in >> segment >> offset && segment > 0) cursor = {segment, offset};
  }
  // Segments behind the cursor were sent; a crash between the cursor and the delete leaves them.
  while (!segments_.empty() && segments_.front().sequence < cursor.segment) {
    fs::remove(segment_path(segments_.front().sequence), ec);
    segments_.erase(segments_.begin());
  }
  if (segments_.empty()) {
    segments_.push_back({cursor.segment, 0});
  } else if (segments_.front().sequence != cursor.segment) {
    cursor = {segments_.front().sequence, 0};
  }

  // A crash mid-append leaves part of a record at the end of the newest segment: cut it off.
  Segment& newest = segments_.back();
  if (newest.size > 0) {
    FileHandle file(::open(segment_path(newest.sequence).c_str(), O_RDWR | O_CLOEXEC));
    if (file.get() < 0) return io_error(segment_path(newest.sequence));
    std::uint64_t keep = 0;
    std::string chunk;
    for (std::uint64_t end = newest.size; end > 0;) {
      const std::uint64_t start = end > 65536 ? end - 65536 : 0;
      if (!read_at(file.get(), start, static_cast<std::size_t>(end - start), chunk))
        return io_error(segment_path(newest.sequence));
      if (auto newline = chunk.rfind('\n'); newline != std::string::npos) {
        keep = start + newline + 1;
        break;
      }
      end = start;
    }
    if (keep != newest.size) {
      if (::ftruncate(file.get(), static_cast<off_t>(keep)) != 0) return io_error(segment_path(newest.sequence));
      newest.size = keep;
    }
  }
  cursor.offset = std::min(cursor.offset, segments_.front().size);
  committed_ = cursor;

  // Count what is still to send.
  std::uint64_t bytes = 0;
  std::size_t records = 0;
  std::string chunk;
  for (const auto& segment : segments_) {
    const std::uint64_t from = segment.sequence == committed_.segment ? committed_.offset : 0;
    bytes += segment.size - from;
    FileHandle file(::open(segment_path(segment.sequence).c_str(), O_RDONLY | O_CLOEXEC | O_CREAT, 0640));
    if (file.get() < 0) return io_error(segment_path(segment.sequence));
    for (std::uint64_t at = from; at < segment.size;) {
      const auto size = static_cast<std::size_t>(std::min<std::uint64_t>(segment.size - at, 1 << 20));
      if (!read_at(file.get(), at, size, chunk) || chunk.empty()) return io_error(segment_path(segment.sequence));
      records += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
      at += chunk.size();
    }
  }
  unsent_bytes_ = bytes;
  unsent_records_ = records;
  std::lock_guard lock(mutex_);
  unsynced_from_ = segments_.back().sequence;
  return open_writer(segments_.back().sequence);
}

core::Status AlertBuffer::open_writer(std::uint64_t sequence) {
  if (writer_fd_ >= 0) ::close(writer_fd_);
  writer_fd_ = ::open(segment_path(sequence).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (writer_fd_ < 0) return io_error(segment_path(sequence));
  return core::ok_status();
}

core::Result<bool> AlertBuffer::append(std::string_view record) {
  if (record.find('\n') != std::string_view::npos) return false;
  const std::uint64_t need = record.size() + 1;
  std::lock_guard lock(mutex_);
  if (unsent_bytes_.load(std::memory_order_relaxed) + need > options_.max_bytes) return false;
  Segment* current = &segments_.back();
  if (writer_fd_ < 0 || (current->size > 0 && current->size + need > options_.segment_bytes)) {
    // After a failed write whose tail could not be cut, a fresh segment too: the reader stops at
    // the size known here, but a later append must not follow the junk.
    const std::uint64_t next = current->sequence + 1;
    if (auto opened = open_writer(next); !opened) return opened.error();
    segments_.push_back({next, 0});
    current = &segments_.back();
  }
  char newline = '\n';
  std::uint64_t written = 0;
  while (written < need) {
    // A short write leaves the rest of the record, then the newline.
    iovec rest[2];
    int count = 0;
    if (written < record.size()) rest[count++] = {const_cast<char*>(record.data()) + written, record.size() - written};
    rest[count++] = {&newline, 1};
    const ssize_t n = ::writev(writer_fd_, rest, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto error = io_error(segment_path(current->sequence));
      if (::ftruncate(writer_fd_, static_cast<off_t>(current->size)) != 0) {
        ::close(writer_fd_);
        writer_fd_ = -1;
      }
      return error;
    }
    written += static_cast<std::uint64_t>(n);
  }
  current->size += need;
  unsent_bytes_.fetch_add(need, std::memory_order_relaxed);
  unsent_records_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

core::Status AlertBuffer::sync() {
  std::uint64_t from = 0, to = 0;
  {
    std::lock_guard lock(mutex_);
    from = unsynced_from_;
    to = segments_.back().sequence;
    unsynced_from_ = to;  // the current one stays unsynced for whatever comes after this
  }
  for (std::uint64_t sequence = std::max(from, committed_.segment); sequence <= to; ++sequence) {
    FileHandle file(::open(segment_path(sequence).c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) {
      if (errno == ENOENT) continue;
      return io_error(segment_path(sequence));
    }
    if (::fdatasync(file.get()) != 0) return io_error(segment_path(sequence));
  }
  return core::ok_status();
}

core::Result<BufferBatch> AlertBuffer::read(std::size_t max_records, std::uint64_t max_bytes) {
  std::uint64_t size = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(segments_.begin(), segments_.end(),
                           [&](const Segment& s) { return s.sequence == committed_.segment; });
    // A fully read segment with a newer one after it: go on in the newer one.
    while (it != segments_.end() && committed_.offset >= it->size && std::next(it) != segments_.end()) {
      ++it;
      committed_ = {it->sequence, 0};
    }
    if (it != segments_.end()) size = it->size;
  }
  BufferBatch batch;
  batch.end = committed_;
  if (size <= committed_.offset || max_records == 0) return batch;

  const std::string path = segment_path(committed_.segment);
  FileHandle file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return io_error(path);
  const std::uint64_t available = size - committed_.offset;
  std::string data;
  if (!read_at(file.get(), committed_.offset,
               static_cast<std::size_t>(std::min(available, std::max<std::uint64_t>(max_bytes, 1))), data)) {
    return io_error(path);
  }
  // A first record larger than max_bytes still goes, alone.
  while (data.find('\n') == std::string::npos && data.size() < available) {
    std::string more;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(available - data.size(), 1 << 20));
    if (!read_at(file.get(), committed_.offset + data.size(), want, more) || more.empty()) return io_error(path);
    data += more;
  }
  std::size_t at = 0;
  while (batch.records.size() < max_records) {
    const auto newline = data.find('\n', at);
    if (newline == std::string::npos || (!batch.records.empty() && newline + 1 > max_bytes)) break;
    batch.records.emplace_back(data, at, newline - at);
    at = newline + 1;
  }
  batch.bytes = at;
  batch.end = {committed_.segment, committed_.offset + at};
  return batch;
}

// Not fsynced, on purpose: the records it points past were synced before they were sent, so a
// cursor that a power cut rolls back (or loses) only makes the next start send some batches again,
// which at-least-once allows; it can never point past data that is not on disk. One fsync per
// batch (sync()) instead of three.
core::Status AlertBuffer::write_cursor(const BufferPosition& position) const {
  const std::string path = options_.directory + "/cursor";
  const std::string temporary = path + ".tmp";
  const std::string text = std::to_string(position.segment) + " " + std::to_string(position.offset) + "\n";
  {
    FileHandle file(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (file.get() < 0) return io_error(temporary);
    if (::write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return io_error(temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return io_error(path);
  return core::ok_status();
}

core::Status AlertBuffer::commit(const BufferPosition& end, std::size_t records) {
  if (end.segment != committed_.segment || end.offset < committed_.offset) {
    return core::invalid_argument("commit position is not after the committed one in the same segment");
  }
  if (auto written = write_cursor(end); !written) return written;
  unsent_bytes_.fetch_sub(end.offset - committed_.offset, std::memory_order_relaxed);
  unsent_records_.fetch_sub(records, std::memory_order_relaxed);
  committed_ = end;
  std::vector<std::uint64_t> behind;
  {
    std::lock_guard lock(mutex_);
    while (segments_.size() > 1 && segments_.front().sequence < end.segment) {
      behind.push_back(segments_.front().sequence);
      segments_.erase(segments_.begin());
    }
  }
  std::error_code ignored;
  for (auto sequence : behind) fs::remove(segment_path(sequence), ignored);
  return core::ok_status();
}

}  // namespace herald::engine
