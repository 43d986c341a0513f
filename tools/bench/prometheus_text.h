// Reading heraldd's GET /metrics page (Prometheus text format).
#pragma once

#include <optional>
#include <string_view>

namespace herald::bench {

// Sum of the samples of metric `name` in `page` whose label set contains `label` (for example
// `status="pending"`; empty: every series). nullopt when no such series is on the page.
std::optional<double> metric_value(std::string_view page, std::string_view name, std::string_view label = {});

}  // namespace herald::bench
