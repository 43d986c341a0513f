#include "app/request_metrics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/string_hash.h"

namespace herald::app {

namespace {

struct RouteMetrics {
  core::Histogram* duration = nullptr;
  std::vector<std::pair<unsigned, core::Counter*>> requests_by_status;  // a handful per route
};

using RouteCache = std::unordered_map<std::string, RouteMetrics, core::StringHash, std::equal_to<>>;

std::atomic<std::uint64_t> next_observer_id{1};
// Per io thread, per observer (tests may run several servers in one process).
thread_local std::unordered_map<std::uint64_t, RouteCache> cached_metrics;

class ListenerMetrics {
 public:
  ListenerMetrics(core::MetricsRegistry& metrics, std::string listener)
      : metrics_(metrics), listener_(std::move(listener)), id_(next_observer_id.fetch_add(1)) {}

  void observe(const http::Request& request, const http::Response& response, std::chrono::microseconds elapsed) {
    const std::string_view route = request.route.empty() ? std::string_view("unmatched") : request.route;
    auto& routes = cached_metrics[id_];
    auto found = routes.find(route);
    if (found == routes.end()) {
      RouteMetrics created;
      created.duration = &metrics_.histogram("herald_http_request_duration_seconds", "HTTP request latency",
                                             core::Histogram::default_latency_buckets(), {"listener", "route"},
                                             {listener_, std::string(route)});
      found = routes.emplace(std::string(route), std::move(created)).first;
    }
    RouteMetrics& metrics = found->second;
    core::Counter* requests = nullptr;
    for (auto& [status, counter] : metrics.requests_by_status) {
      if (status == response.status) requests = counter;
    }
    if (requests == nullptr) {
      requests = &metrics_.counter("herald_http_requests_total", "HTTP requests by listener, route and status",
                                   {"listener", "route", "status"},
                                   {listener_, std::string(route), std::to_string(response.status)});
      metrics.requests_by_status.emplace_back(response.status, requests);
    }
    requests->inc();
    metrics.duration->observe(static_cast<double>(elapsed.count()) / 1e6);
  }

 private:
  core::MetricsRegistry& metrics_;
  const std::string listener_;
  const std::uint64_t id_;
};

}  // namespace

http::RequestObserver request_metrics(core::MetricsRegistry& metrics, std::string listener) {
  auto observer = std::make_shared<ListenerMetrics>(metrics, std::move(listener));
  return [observer](const http::Request& request, const http::Response& response, std::chrono::microseconds elapsed) {
    observer->observe(request, response, elapsed);
  };
}

}  // namespace herald::app
