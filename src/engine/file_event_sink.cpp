#include "engine/file_event_sink.h"

#include <boost/json.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "core/input_checks.h"
#include "core/utf8.h"
#include "core/time_format.h"

namespace herald::engine {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string errno_text(int error) { return std::error_code(error, std::generic_category()).message(); }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// Appends `text` as a JSON string. Bytes that are not UTF-8 become U+FFFD so that the line stays
// valid JSON for strict readers (a stateless line that is not JSON may be anything).
void append_json_string(std::string& out, std::string_view text) {
  out += json::serialize(json::string_view(core::valid_utf8(text)));
}

// Appends JSON text that is already valid (it was parsed at the edge) without re-rendering it.
// A raw CR or LF in valid JSON can only be insignificant whitespace, so blanking it keeps the
// text equivalent while guaranteeing one event per line.
void append_json_text(std::string& out, std::string_view json_text) {
  if (json_text.empty()) {
    out += "null";
    return;
  }
  for (char c : json_text) out += (c == '\n' || c == '\r') ? ' ' : c;
}

bool is_json(std::string_view text) {
  json::monotonic_resource scratch;
  boost::system::error_code ec;
  json::parse(text, ec, &scratch, core::client_json_options());  // the depth the event parser accepted
  return !ec;
}

std::string stateful_lines(const core::StatefulBatch& batch, const std::string& received_at) {
  std::string agent = batch.agent.raw_json;
  if (agent.empty()) agent = json::serialize(json::object{{"id", batch.agent.id}});

  std::string text;
  for (const auto& event : batch.events) {
    text += R"({"type":"stateful","received_at":)";
    append_json_string(text, received_at);
    text += R"(,"agent":)";
    append_json_text(text, agent);
    text += R"(,"index":)";
    append_json_string(text, event.index);
    if (event.id) {
      text += R"(,"id":)";
      append_json_string(text, *event.id);
    }
    text += R"(,"module":)";
    append_json_string(text, event.module);
    if (event.collector) {
      text += R"(,"collector":)";
      append_json_string(text, *event.collector);
    }
    text += R"(,"operation":)";
    append_json_string(text, event.operation);
    if (event.data_json) {
      text += R"(,"data":)";
      append_json_text(text, *event.data_json);
    }
    text += "}\n";
  }
  return text;
}

std::string stateless_lines(const std::string& agent_id, std::string_view body, const std::string& received_at) {
  std::string prefix = R"({"type":"stateless","received_at":)";
  append_json_string(prefix, received_at);
  prefix += R"(,"agent_id":)";
  append_json_string(prefix, agent_id);
  prefix += R"(,"event":)";

  std::string text;
  while (!body.empty()) {
    const auto end = body.find('\n');
    const auto line = trim(body.substr(0, end));
    if (!line.empty()) {
      text += prefix;
      if (is_json(line)) {
        append_json_text(text, line);
      } else {
        append_json_string(text, line);
      }
      text += "}\n";
    }
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return text;
}

}  // namespace

FileEventSink::FileEventSink(FileEventSinkOptions options, const core::Clock& clock)
    : options_(std::move(options)), clock_(clock) {}

FileEventSink::~FileEventSink() {
  if (fd_ >= 0) ::close(fd_);
}

core::Result<std::unique_ptr<FileEventSink>> FileEventSink::open(FileEventSinkOptions options,
                                                                 const core::Clock& clock) {
  if (options.directory.empty()) return core::invalid_argument("event sink: the directory is empty");
  if (options.max_files < 1) return core::invalid_argument("event sink: max_files must be at least 1");
  if (options.max_file_bytes == 0) return core::invalid_argument("event sink: max_file_bytes must be positive");

  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (ec) return core::unavailable("cannot create " + options.directory + ": " + ec.message());

  std::unique_ptr<FileEventSink> sink(new FileEventSink(std::move(options), clock));
  std::lock_guard lock(sink->mutex_);
  if (auto status = sink->open_current(); !status) return status.error();
  return sink;
}

std::string FileEventSink::file_path(int generation) const {
  const std::string name = generation == 0 ? "events.ndjson" : "events." + std::to_string(generation) + ".ndjson";
  return (fs::path(options_.directory) / name).string();
}

core::Status FileEventSink::write_stateful(const core::StatefulBatch& batch) {
  try {
    return append(stateful_lines(batch, core::format_utc(clock_.now_seconds())));
  } catch (const std::exception& e) {  // allocation failure while building the lines
    return core::internal_error(std::string("event sink: ") + e.what());
  }
}

core::Status FileEventSink::write_stateless(const std::string& agent_id, std::string_view body) {
  try {
    return append(stateless_lines(agent_id, body, core::format_utc(clock_.now_seconds())));
  } catch (const std::exception& e) {
    return core::internal_error(std::string("event sink: ") + e.what());
  }
}

core::Status FileEventSink::append(const std::string& text) {
  if (text.empty()) return core::ok_status();
  std::lock_guard lock(mutex_);
  if (fd_ >= 0 && !still_at_path()) {
    // Someone moved or deleted the file (logrotate, an operator): writing on would put events
    // into a file nobody can read. Reopen at the path, or fail so the agent keeps its batch.
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
    // Take back the partial batch: the agent will resend all of it, so a half line would only be
    // noise for readers.
    if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(file_size_)) != 0) {
      spdlog::warn("event sink: cannot drop a partial write from {}: {}", file_path(), errno_text(errno));
      file_size_ += written;
    }
    return core::unavailable("cannot write " + file_path() + ": " + errno_text(error));
  }
  file_size_ += text.size();
  return core::ok_status();
}

bool FileEventSink::still_at_path() const {
  struct stat at_path {};
  struct stat open_file {};
  if (::stat(file_path().c_str(), &at_path) != 0 || ::fstat(fd_, &open_file) != 0) return false;
  return at_path.st_dev == open_file.st_dev && at_path.st_ino == open_file.st_ino;
}

core::Status FileEventSink::open_current() {
  const std::string path = file_path();
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return core::unavailable("cannot open " + path + ": " + errno_text(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return core::unavailable("cannot stat " + path + ": " + errno_text(error));
  }
  fd_ = fd;
  file_size_ = static_cast<std::uint64_t>(info.st_size);
  return core::ok_status();
}

core::Status FileEventSink::rotate() {
  ::close(fd_);
  fd_ = -1;  // a failure below leaves the sink closed; the next write reopens events.ndjson
  std::error_code ec;
  if (options_.max_files == 1) {
    fs::remove(file_path(), ec);
    if (ec) return core::unavailable("cannot remove " + file_path() + ": " + ec.message());
    return open_current();
  }
  fs::remove(file_path(options_.max_files - 1), ec);
  if (ec) return core::unavailable("cannot remove " + file_path(options_.max_files - 1) + ": " + ec.message());
  for (int generation = options_.max_files - 2; generation >= 0; --generation) {
    const std::string from = file_path(generation);
    if (!fs::exists(from, ec)) continue;
    fs::rename(from, file_path(generation + 1), ec);
    if (ec) return core::unavailable("cannot rotate " + from + ": " + ec.message());
  }
  return open_current();
}

}  // namespace herald::engine
