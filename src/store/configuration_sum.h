#pragma once
// The `configuration_sum` both backends store with a group's configuration: SHA-256, lower-case hex.
#include <string>
#include <string_view>

namespace herald::store {

std::string configuration_sum(std::string_view yaml);

}  // namespace herald::store
