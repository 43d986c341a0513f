#include "analysis/alert.h"

#include <array>

namespace herald::analysis {
namespace {

constexpr std::size_t kMaxDescription = 1024;  // Wazuh's OS_COMMENT_MAX

std::optional<std::string_view> description_field(std::string_view name, const Event& event) {
  struct Entry {
    std::string_view name;
    StaticField field;
  };
  static constexpr std::array kStatic{
      Entry{"dstuser", StaticField::dstuser},
      Entry{"srcuser", StaticField::srcuser},
      Entry{"srcip", StaticField::srcip},
      Entry{"dstip", StaticField::dstip},
      Entry{"srcport", StaticField::srcport},
      Entry{"dstport", StaticField::dstport},
      Entry{"protocol", StaticField::protocol},
      Entry{"action", StaticField::action},
      Entry{"id", StaticField::id},
      Entry{"url", StaticField::url},
      Entry{"data", StaticField::data},
      Entry{"status", StaticField::status},
      Entry{"extra_data", StaticField::extra_data},
      Entry{"system_name", StaticField::system_name},
  };
  for (const Entry& entry : kStatic) {
    if (name == entry.name) return event.static_field(entry.field);
  }
  if (name == "program_name") return event.program_name.get();
  if (name == "hostname") return event.hostname.get();
  return event.dynamic_field(name);
}

}  // namespace

std::string expand_description(std::string_view description, const Event& event) {
  if (description.size() >= kMaxDescription || description.find("$(") == std::string_view::npos) {
    return std::string(description);
  }
  std::string expanded;
  std::string_view rest = description;
  while (true) {
    const std::size_t start = rest.find("$(");
    if (start == std::string_view::npos) break;
    expanded.append(rest.substr(0, start));
    const std::size_t close = rest.find(')', start + 2);
    if (close == std::string_view::npos) {
      rest.remove_prefix(start);  // kept literally, "$(" included
      break;
    }
    if (auto value = description_field(rest.substr(start + 2, close - start - 2), event)) expanded.append(*value);
    if (expanded.size() >= kMaxDescription) return std::string(description);
    rest.remove_prefix(close + 1);
  }
  expanded.append(rest);
  if (expanded.size() >= kMaxDescription) return std::string(description);
  return expanded;
}

}  // namespace herald::analysis
