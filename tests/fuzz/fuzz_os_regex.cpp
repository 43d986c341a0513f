// The ruleset's pattern engines: the first line of the input is compiled as an OS_Regex, an
// OS_Match and a PCRE2 pattern (each negated too); the rest, whole and line by line, is searched.
// Invariants: no exception escapes; compile errors have a message; captures are views inside
// the subject, no more than capture_count(); match_end lies within the subject; matches() and
// search() agree; negation inverts; OsRegex through Pattern and directly agree. Hangs are
// caught by libFuzzer's -timeout.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analysis/os_match.h"
#include "analysis/os_regex.h"
#include "analysis/pattern.h"
#include "fuzz_check.h"

namespace {

using herald::analysis::Captures;
using herald::analysis::Pattern;
using herald::analysis::PatternType;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_search(const Pattern& pattern, const Pattern& negated, std::string_view subject, Captures& captures) {
  std::size_t end = subject.size() + 1;
  const bool hit = FUZZ_NO_THROW("Pattern::search", pattern.search(subject, &captures, &end));
  FUZZ_CHECK(end <= subject.size(), "match_end within the subject");
  FUZZ_CHECK(captures.size() <= pattern.capture_count(), "no more captures than groups");
  for (const auto capture : captures)
    FUZZ_CHECK(capture.empty() || inside(capture, subject), "captures view the subject");
  if (!hit) FUZZ_CHECK(captures.empty(), "no captures without a match");
  const Captures first_captures = captures;
  const std::size_t first_end = end;

  const bool plain = FUZZ_NO_THROW("Pattern::matches", pattern.matches(subject));
  // OS_Regex decides with and without captures slightly differently (Wazuh's two modes).
  if (pattern.type() != PatternType::osregex) FUZZ_CHECK(plain == hit, "matches() agrees with search()");
  FUZZ_CHECK(pattern.search(subject) == plain, "search() without captures is matches()");
  FUZZ_CHECK(negated.matches(subject) == !plain, "negation inverts");
  FUZZ_CHECK(negated.search(subject, &captures, &end) == !plain && captures.empty() && end == 0,
             "a negated search reports no captures");

  if (pattern.type() == PatternType::osregex) {
    auto direct = herald::analysis::OsRegex::compile(pattern.source());
    FUZZ_CHECK(direct.ok(), "OsRegex compiles what Pattern compiled");
    Captures direct_captures;
    std::size_t direct_end = 0;
    FUZZ_CHECK(direct->search(subject, &direct_captures, &direct_end) == hit, "OsRegex agrees with Pattern");
    FUZZ_CHECK(direct_captures == first_captures, "OsRegex captures what Pattern captures");
    if (hit) FUZZ_CHECK(direct_end == first_end, "OsRegex ends where Pattern ends");
    FUZZ_CHECK(direct->search(subject) == plain, "OsRegex rule mode agrees with Pattern::matches");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto input = herald::fuzz::as_text(data, size);
  const std::size_t newline = input.find('\n');
  const std::string_view pattern_text = input.substr(0, newline);
  const std::string_view rest = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  Captures captures;
  for (const PatternType type : {PatternType::osregex, PatternType::osmatch, PatternType::pcre2}) {
    auto pattern = FUZZ_NO_THROW("Pattern::compile", Pattern::compile(pattern_text, type));
    auto negated = FUZZ_NO_THROW("Pattern::compile", Pattern::compile(pattern_text, type, true));
    FUZZ_CHECK(pattern.ok() == negated.ok(), "negation does not change whether a pattern compiles");
    if (!pattern) {
      FUZZ_CHECK(!pattern.error().message.empty(), "a compile error has a message");
      continue;
    }
    FUZZ_CHECK(pattern->source() == pattern_text, "source() is the pattern");
    captures.reserve(pattern->capture_count());
    check_search(*pattern, *negated, rest, captures);
    std::string_view lines = rest;
    for (int line = 0; line < 16 && !lines.empty(); ++line) {
      const std::size_t end = lines.find('\n');
      check_search(*pattern, *negated, lines.substr(0, end), captures);
      lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 1);
    }
  }
  return 0;
}
