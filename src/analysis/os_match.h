#pragma once
// OS_Match ("sregex"), the literal matcher of Wazuh's ruleset (<match>, <program_name>, ...).
//
// Syntax, as Wazuh 4.x reads it:
//   - a leading '!' negates the whole pattern;
//   - '|' separates alternatives (no escape: a '|' always separates);
//   - an alternative "^text" matches a subject that starts with text, "text$" one that ends with
//     it, "^text$" exactly text, plain "text" a subject containing it; an empty alternative (as
//     in "a||b" or "") matches everything;
//   - no other character is special.
// Comparison ignores ASCII case only (bytes >= 0x80 compare exactly), as Wazuh's does.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::analysis {

// Wazuh refuses patterns longer than this (OS_PATTERN_MAXSIZE), for OS_Match and OS_Regex alike.
inline constexpr std::size_t kMaxWazuhPatternSize = 20480;

// ASCII case folding shared by the OS_Match and OS_Regex engines.
namespace nocase {

constexpr unsigned char lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}

// True when a and b are equal ignoring ASCII case.
bool equal(std::string_view a, std::string_view b);

// The first offset of `needle_lower` (already lower-case) in haystack ignoring ASCII case, or
// std::string_view::npos. An empty needle is found at 0. Linear in the haystack for the
// needles rules use; memchr does the scanning.
std::size_t find(std::string_view haystack, std::string_view needle_lower);

}  // namespace nocase

// A compiled OS_Match pattern. Immutable after construction, safe for concurrent use.
class OsMatch {
 public:
  // Fails only for patterns Wazuh refuses too (longer than kMaxWazuhPatternSize) and for a NUL
  // byte, which a Wazuh pattern (a C string) cannot hold.
  static core::Result<OsMatch> compile(std::string_view pattern);

  // Whether subject matches (after negation). Allocation-free.
  bool matches(std::string_view subject) const;

  const std::string& source() const { return source_; }
  bool negated() const { return negated_; }

 private:
  enum class Anchor : unsigned char { anywhere, prefix, suffix, exact, always };
  struct Alternative {
    Anchor anchor;
    std::string text;  // lower-cased, anchors removed
  };

  OsMatch() = default;

  std::string source_;
  std::vector<Alternative> alternatives_;
  bool negated_ = false;
};

}  // namespace herald::analysis
