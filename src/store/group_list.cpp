#include "store/group_list.h"

namespace herald::store {

std::vector<std::string> split_group_list(std::string_view csv) {
  std::vector<std::string> groups;
  while (!csv.empty()) {
    auto comma = csv.find(',');
    auto item = csv.substr(0, comma);
    if (!item.empty()) groups.emplace_back(item);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return groups;
}

std::string join_group_list(const std::vector<std::string>& groups) {
  std::string csv;
  for (const auto& group : groups) {
    if (!csv.empty()) csv += ',';
    csv += group;
  }
  return csv;
}

}  // namespace herald::store
