#pragma once
// Runs one write through engine::FileEventSink into a scratch directory and returns the lines it
// appended, each checked to be a JSON object of the given `type` (the sink's contract: one valid
// NDJSON line per event, whatever the agent sent).
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "engine/file_event_sink.h"
#include "fuzz_check.h"

namespace herald::fuzz {

inline std::vector<boost::json::object> sink_lines(std::string_view type,
                                                   const std::function<core::Status(engine::FileEventSink&)>& write) {
  static const std::string directory = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/herald-fuzz-sink-XXXXXX";
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr, "a scratch directory");
    return pattern;
  }();
  static const core::ManualClock clock;
  std::string path;
  {
    auto sink = engine::FileEventSink::open({directory, 64ull << 20, 2}, clock);
    FUZZ_CHECK(sink.ok(), "the sink opens");
    path = (*sink)->file_path();
    FUZZ_CHECK(write(**sink).ok(), "the sink writes");
  }
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  ::unlink(path.c_str());

  std::vector<boost::json::object> lines;
  std::string line;
  while (std::getline(text, line)) {
    boost::system::error_code ec;
    boost::json::parse_options strict;
    strict.max_depth = 128;  // the sink nests the agent's JSON one level deeper than the body had it
    auto value = boost::json::parse(line, ec, {}, strict);
    FUZZ_CHECK(!ec && value.is_object(), "every line the sink writes is a JSON object");
    const auto* line_type = value.get_object().if_contains("type");
    FUZZ_CHECK(line_type != nullptr && line_type->is_string() && line_type->get_string() == type,
               "lines say their type");
    lines.push_back(std::move(value.get_object()));
  }
  return lines;
}

}  // namespace herald::fuzz
