#include "engine/rotating_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace herald::engine {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

}  // namespace

RotatingFile::RotatingFile(RotatingFileOptions options) : options_(std::move(options)) {}

RotatingFile::~RotatingFile() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<std::unique_ptr<RotatingFile>> RotatingFile::open(RotatingFileOptions options) {
  const std::string what = options.stem + options.extension;
  if (options.directory.empty()) return core::invalid_argument(what + ": the directory is empty");
  if (options.stem.empty()) return core::invalid_argument("rotating file: the file name is empty");
  if (options.max_files < 1) return core::invalid_argument(what + ": max_files must be at least 1");
  if (options.max_file_bytes == 0) return core::invalid_argument(what + ": max_file_bytes must be positive");

  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec) return core::unavailable("cannot create " + options.directory + ": " + ec.message());

  std::unique_ptr<RotatingFile> file(new RotatingFile(std::move(options)));
  std::lock_guard lock(file->mutex_);
  if (auto status = file->open_current(); !status) return status.error();
  return file;
}

std::string RotatingFile::path(int generation) const {
  const std::string name = generation == 0 ? options_.stem + options_.extension
                                           : options_.stem + "." + std::to_string(generation) + options_.extension;
  return (fs::path(options_.directory) / name).string();
}

core::Status RotatingFile::append(std::string_view text) {
  if (text.empty()) return core::ok_status();
  std::lock_guard lock(mutex_);
  if (fd_ >= 0 && !still_at_path()) {
    // Someone moved or deleted the file (logrotate, an operator): writing on would put lines
    // into a file nobody can read. Reopen at the path, or fail so the caller keeps them.
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) {
    if (auto status = open_current(); !status) return status;
  }
  if (file_size_ > 0 && file_size_ + text.size() > options_.max_file_bytes) {
    if (auto status = rotate(); !status) return status;
  }

  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    const int error = n < 0 ? errno : EIO;
    // Take back the partial append: the caller reports failure (an agent resends its whole
    // batch), so a half line would only be noise for readers.
    if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) != 0) {
      spdlog::warn("cannot drop a partial write from {}: {}", path(), errno_text(errno));
      file_size_ += written;
    }
    return core::unavailable("cannot write " + path() + ": " + errno_text(error));
  }
  file_size_ += text.size();
  return core::ok_status();
}

bool RotatingFile::still_at_path() const {
  struct stat at_path {};
  struct stat open_file {};
  if (::stat(path().c_str(), &at_path) != 0 || ::fstat(fd_, &open_file) != 0) return false;
  return at_path.st_dev == open_file.st_dev && at_path.st_ino == open_file.st_ino;
}

core::Status RotatingFile::open_current() {
  const std::string current = path();
  const int fd = ::open(current.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return core::unavailable("cannot open " + current + ": " + errno_text(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return core::unavailable("cannot stat " + current + ": " + errno_text(error));
  }
  fd_ = fd;
  file_size_ = static_cast<std::uint64_t>(info.st_size);
  return core::ok_status();
}

core::Status RotatingFile::rotate() {
  ::close(fd_);
  fd_ = -1;  // a failure below leaves the sink closed; the next write reopens events.ndjson
  std::error_code ec;
  if (options_.max_files == 1) {
    fs::remove(path(), ec);
    if (ec) return core::unavailable("cannot remove " + path() + ": " + ec.message());
    return open_current();
  }
  fs::remove(path(options_.max_files - 1), ec);
  if (ec) return core::unavailable("cannot remove " + path(options_.max_files - 1) + ": " + ec.message());
  for (int generation = options_.max_files - 2; generation >= 0; --generation) {
    const std::string from = path(generation);
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, path(generation + 1), ec);
    if (ec) return core::unavailable("cannot rotate " + from + ": " + ec.message());
  }
  return open_current();
}

}  // namespace herald::engine
