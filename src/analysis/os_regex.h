#pragma once
// OS_Regex, the regular-expression dialect of Wazuh's ruleset (<regex>, <prematch>, ...).
//
// Syntax, as Wazuh 4.x reads it:
//   \w  A-Z a-z 0-9 - @ _        \W  any other byte
//   \d  0-9                      \D  any other byte
//   \s  a space (only ' ')       \S  any other byte
//   \p  ! " # $ % & ' ( ) * + , - . : ; < = > ? [ ] { | }
//   \.  any byte                 \t  a tab
//   \( \) \\ \$ \| \<            the character itself
//   +  *   one-or-more / zero-or-more of the escape just before them; after a plain character
//          they are plain characters ("a+" is 'a' then '+')
//   ^  $   at the very start / end of an alternative: anchor it; elsewhere plain characters
//   |      separates alternatives (only outside groups), tried in order, the first match wins
//   ( )    a capture group; groups do not nest
// Any other escape is an error. Plain characters match ignoring ASCII case; escapes compare
// the byte as it is (\w does not match bytes >= 0x80, \W does).
//
// Matching follows Wazuh's engine, not a textbook one, so that decoders capture exactly what
// Wazuh captures: a search looks for the pattern anywhere in the subject (unless '^'); a run
// such as \w+ ends at the first byte where the element after it matches (lazy), and only a few
// such decisions are remembered for backtracking. That gives results a backtracking engine
// would not: "(\w+) from" on "a from b from" captures "a"; some inputs that a textbook engine
// would match do not match. Tests pin these cases.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::analysis {

// What a search captured: views into the subject, one per group in order. Wazuh stops at the
// first group the match did not close, so this may hold fewer than capture_count() entries.
using Captures = std::vector<std::string_view>;

// A decoder's captures feed at most this many order fields (Wazuh's MAX_DECODER_ORDER_SIZE);
// a pattern with more groups is refused.
inline constexpr std::size_t kMaxOsRegexGroups = 1024;

// A compiled OS_Regex pattern. Immutable after construction, safe for concurrent use.
class OsRegex {
 public:
  // Refuses what Wazuh refuses (an unknown escape, a trailing backslash, unbalanced or nested
  // parentheses, '|' inside a group, more than kMaxWazuhPatternSize bytes) plus a NUL byte and
  // more than kMaxOsRegexGroups groups. The error message names the problem and its offset.
  static core::Result<OsRegex> compile(std::string_view pattern);

  // Searches subject. On a match returns true, fills *captures (when given, cleared first) and
  // sets *match_end to the offset just past the match, as Wazuh reports it to the decoder's
  // offset="after_regex" (Wazuh's notion of the match end: after a trailing run such as \S+ it
  // is the first byte of the run plus one, not the end of the run).
  //
  // Passing captures selects Wazuh's substring mode (what decoders use); without them the
  // search runs as Wazuh's rules run it. The two differ only in rare patterns (a group followed
  // by several trailing \x* elements, for instance).
  //
  // No heap allocation, except to grow *captures beyond its capacity (reserve
  // capture_count()) and, once per thread, the scratch of the first search with captures.
  // Time is bounded by a step budget (16 per subject byte per pattern byte, within 2^22..2^25
  // per alternative); a constructed pattern and subject that exceed it get "no match" where
  // Wazuh would grind on (its restarts after partial matches can cost a run's length squared).
  bool search(std::string_view subject, Captures* captures = nullptr, std::size_t* match_end = nullptr) const;

  const std::string& source() const { return source_; }
  // The largest number of groups of any alternative.
  std::size_t capture_count() const { return capture_count_; }

 private:
  // One '|' alternative, compiled into `program_` from offset `start` (see os_regex.cpp for the
  // encoding), followed by a NUL.
  struct Alternative {
    std::uint32_t start = 0;
    std::uint32_t size = 0;
    std::uint16_t marks = 0;  // group boundaries (two per group)
    bool anchored_begin = false;
    bool anchored_end = false;
    // The longest run of plain characters every match must contain (lower case), and whether
    // it is worth looking for before running the program.
    std::string required;
    bool prefilter = false;
  };

  OsRegex() = default;
  std::ptrdiff_t run(const Alternative& alternative, std::string_view subject, std::ptrdiff_t* marks) const;

  std::string source_;
  std::string program_;
  std::vector<Alternative> alternatives_;
  // Parallel to program_ (up to the last alternative with groups): at a group marker, its
  // index among its alternative's markers.
  std::vector<std::uint16_t> mark_slots_;
  std::size_t capture_count_ = 0;
};

}  // namespace herald::analysis
