#include "engine/file_event_sink.h"

#include <boost/json.hpp>

#include "core/input_checks.h"
#include "core/utf8.h"
#include "core/time_format.h"

namespace herald::engine {

namespace json = boost::json;

namespace {

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

FileEventSink::FileEventSink(std::unique_ptr<RotatingFile> file, const core::Clock& clock)
    : file_(std::move(file)), clock_(clock) {}

FileEventSink::~FileEventSink() = default;

core::Result<std::unique_ptr<FileEventSink>> FileEventSink::open(FileEventSinkOptions options,
                                                                 const core::Clock& clock) {
  auto file = RotatingFile::open({std::move(options.directory), "events", ".ndjson", options.max_file_bytes,
                                  options.max_files});
  if (!file) return core::Error{file.error().kind, "event sink: " + file.error().message};
  return std::unique_ptr<FileEventSink>(new FileEventSink(std::move(*file), clock));
}

std::string FileEventSink::file_path(int generation) const { return file_->path(generation); }

core::Status FileEventSink::write_stateful(const core::StatefulBatch& batch) {
  try {
    return file_->append(stateful_lines(batch, core::format_utc(clock_.now_seconds())));
  } catch (const std::exception& e) {  // allocation failure while building the lines
    return core::internal_error(std::string("event sink: ") + e.what());
  }
}

core::Status FileEventSink::write_stateless(const std::string& agent_id, std::string_view body) {
  try {
    return file_->append(stateless_lines(agent_id, body, core::format_utc(clock_.now_seconds())));
  } catch (const std::exception& e) {
    return core::internal_error(std::string("event sink: ") + e.what());
  }
}

}  // namespace herald::engine
