#pragma once
// A transparent hash for unordered containers keyed by std::string: find() with a string_view
// then builds no std::string (hot-path lookups keyed by request text).
//   std::unordered_map<std::string, T, core::StringHash, std::equal_to<>> map;
#include <cstddef>
#include <functional>
#include <string_view>

namespace herald::core {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

}  // namespace herald::core
