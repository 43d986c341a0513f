#include "core/finite_numbers.h"

#include <cmath>

namespace herald::core {

bool holds_only_finite_numbers(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(value.get_double());
    case boost::json::kind::array:
      for (const auto& item : value.get_array()) {
        if (!holds_only_finite_numbers(item)) return false;
      }
      return true;
    case boost::json::kind::object:
      for (const auto& entry : value.get_object()) {
        if (!holds_only_finite_numbers(entry.value())) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace herald::core
