#pragma once
// Boost.JSON 1.81 parses a number too large for a double (1e999) as infinity and serializes it
// back as `Infinity`, which is not JSON. Whatever Herald re-serializes from a client's JSON must
// therefore be checked with this first (found by tests/fuzz/fuzz_command_parser).
#include <boost/json/value.hpp>

namespace herald::core {

// True when no number anywhere in `value` is infinite or NaN. Recurses as deep as `value` nests
// (bounded by the parser's max_depth).
bool holds_only_finite_numbers(const boost::json::value& value);

}  // namespace herald::core
