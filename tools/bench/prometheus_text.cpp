#include "prometheus_text.h"

#include <cstdlib>
#include <string>

namespace herald::bench {

std::optional<double> metric_value(std::string_view page, std::string_view name, std::string_view label) {
  std::optional<double> sum;
  while (!page.empty()) {
    const auto end = page.find('\n');
    const auto line = page.substr(0, end);
    page = end == std::string_view::npos ? std::string_view() : page.substr(end + 1);
    if (!line.starts_with(name) || line.size() == name.size()) continue;
    const char after = line[name.size()];
    if (after != '{' && after != ' ') continue;
    if (!label.empty()) {
      const auto labels_end = line.find('}');
      if (after != '{' || labels_end == std::string_view::npos ||
          line.substr(name.size(), labels_end - name.size()).find(label) == std::string_view::npos) {
        continue;
      }
    }
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    sum = sum.value_or(0) + std::strtod(std::string(line.substr(space + 1)).c_str(), nullptr);
  }
  return sum;
}

}  // namespace herald::bench
