#pragma once
// The per-request metrics of one HTTP listener: herald_http_requests_total{listener,route,status}
// and herald_http_request_duration_seconds{listener,route}.
#include <string>

#include "core/metrics.h"
#include "http/server_options.h"

namespace herald::app {

// The observer for `listener`. Each io thread keeps the metric handles it has used, so a request
// costs two atomic updates and a hash lookup: no registry lock, no label vectors.
http::RequestObserver request_metrics(core::MetricsRegistry& metrics, std::string listener);

}  // namespace herald::app
