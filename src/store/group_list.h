#pragma once
// Agents' groups are stored as one comma-separated column in priority order, as Wazuh's
// global.db does; group names cannot hold commas ([A-Za-z0-9_.-]).
#include <string>
#include <string_view>
#include <vector>

namespace herald::store {

std::vector<std::string> split_group_list(std::string_view csv);
std::string join_group_list(const std::vector<std::string>& groups);

}  // namespace herald::store
