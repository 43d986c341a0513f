#pragma once
// UTF-8 repair for text that reaches JSON from raw bytes (event lines of 4.x agents, stateless
// lines that are not JSON).
#include <string>
#include <string_view>

namespace herald::core {

// Length of the well-formed UTF-8 sequence at the start of `text`, or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF are rejected, as RFC 3629 says).
// REQUIRES: !text.empty().
std::size_t utf8_sequence_length(std::string_view text);

// `text` with every byte that does not start a well-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);

}  // namespace herald::core
