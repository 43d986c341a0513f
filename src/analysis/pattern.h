#pragma once
// One front for the three pattern languages of a Wazuh ruleset, chosen by an element's type=
// attribute: OS_Regex, OS_Match and PCRE2 (see os_regex.h, os_match.h).
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "analysis/os_match.h"
#include "analysis/os_regex.h"
#include "core/result.h"

namespace herald::analysis {

enum class PatternType { osregex, osmatch, pcre2 };

// The values Wazuh accepts in type=: "osregex", "osmatch", "pcre2", in any case. Anything else
// is an error; Wazuh warns and keeps the element's default type, which is the caller's call.
core::Result<PatternType> parse_pattern_type(std::string_view text);
std::string_view to_string(PatternType type);

// PCRE2 searches stop after this many backtracking steps (and report no match), so that a
// catastrophic pattern costs milliseconds, not minutes.
inline constexpr std::uint32_t kPcre2MatchLimit = 1'000'000;

// A compiled pattern of any of the three types. Immutable after construction, safe for
// concurrent use; copies share the compiled form.
class Pattern {
 public:
  // PCRE2 compiles as Wazuh does it: no options (case-sensitive, bytes, not UTF), JIT-compiled
  // where the library supports it. `negate` (a rule's negate="yes") inverts matches()/search().
  static core::Result<Pattern> compile(std::string_view pattern, PatternType type, bool negate = false);

  // Whether subject matches, after negation.
  bool matches(std::string_view subject) const;

  // Like matches(); a match of a non-negated osregex or pcre2 pattern also fills *captures
  // (cleared first; groups 1.. in order) and *match_end (the offset Wazuh's decoders continue
  // from). osmatch, and any negated pattern, leave *captures empty and set *match_end to 0.
  // For PCRE2, groups that did not take part are empty views, and as in Wazuh groups after the
  // last one that took part are left out. No heap allocation once per-thread scratch exists
  // (captures aside: reserve capture_count()).
  bool search(std::string_view subject, Captures* captures = nullptr, std::size_t* match_end = nullptr) const;

  PatternType type() const { return type_; }
  bool negated() const { return negated_; }
  const std::string& source() const { return source_; }
  std::size_t capture_count() const;

 private:
  struct Pcre2;  // the compiled PCRE2 code (pattern.cpp)

  Pattern() = default;
  bool search_engine(std::string_view subject, Captures* captures, std::size_t* match_end) const;

  PatternType type_ = PatternType::osmatch;
  bool negated_ = false;
  std::string source_;
  std::variant<std::monostate, OsRegex, OsMatch, std::shared_ptr<const Pcre2>> engine_;
};

}  // namespace herald::analysis
