#include "http/router.h"

#include <boost/container/small_vector.hpp>

#include <string_view>

namespace herald::http {

namespace {

// Every route has only a few segments: split paths without touching the heap.
using Segments = boost::container::small_vector<std::string_view, 12>;

// "/a/b" -> {"a","b"}; "/a/b/" -> {"a","b",""} so that a trailing slash only matches a pattern
// that has one too; "/" and "" -> {""}.
Segments split_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  Segments segments;
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_capture(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view capture_name(std::string_view segment) { return segment.substr(1, segment.size() - 2); }

// Compares segment by segment; captures accept any non-empty segment.
bool segments_match(const std::vector<std::string>& pattern, const Segments& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_capture(pattern[i])) {
      if (path[i].empty()) return false;
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(Method method, std::string pattern, Endpoint endpoint) {
  std::vector<std::string> segments;
  for (auto segment : split_path(pattern)) segments.emplace_back(segment);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(endpoint)});
}

Router::Match Router::match(Request& request) const {
  const auto path = split_path(request.path);
  Match result;
  for (const auto& route : routes_) {
    if (!segments_match(route.segments, path)) continue;
    result.path_matched = true;
    if (route.method != request.method) continue;

    request.path_params.clear();
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (is_capture(route.segments[i])) {
        request.path_params.emplace(capture_name(route.segments[i]), path[i]);
      }
    }
    request.route = route.pattern;
    result.endpoint = &route.endpoint;
    return result;
  }
  return result;
}

}  // namespace herald::http
