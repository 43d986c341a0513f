#include "analysis/os_regex.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string_view>

#include "analysis/os_match.h"

// The program of an alternative is a byte string in which every element starts at a known
// byte, and the matcher looks a fixed number of bytes ahead of an element, as Wazuh's does:
//   kClass, <class id>        an escape, 2 bytes; a '+' or '*' right after it is its quantifier
//   kMark                     a group boundary, '(' and ')' alike (1 byte)
//   any other byte            a plain character, lower-cased (1 byte)
//   kEnd                      the end of the alternative; a few more kEnd bytes follow so that
//                             looking ahead never leaves the buffer
// Keeping Wazuh's layout (rather than a tidier instruction set) is what lets the matcher take
// the very decisions Wazuh takes, look-aheads included.

namespace herald::analysis {
namespace {

constexpr unsigned char kEnd = 0;
constexpr unsigned char kClass = '\\';
constexpr unsigned char kMark = '(';
constexpr std::size_t kPadding = 4;
constexpr std::size_t kSaveSlots = 4;  // how many run decisions Wazuh remembers for backtracking
constexpr std::ptrdiff_t kNoMatch = std::numeric_limits<std::ptrdiff_t>::min();
constexpr std::ptrdiff_t kUnset = std::numeric_limits<std::ptrdiff_t>::min();
// The steps one alternative may take: 16 per (subject byte, program byte) pair, at least 2^22
// and at most 2^25 (tens of milliseconds). Real patterns take a few steps per subject byte;
// Wazuh's restarts after partial matches can cost a long run's length squared, which the floor
// leaves room for; only constructed inputs reach the cap.
constexpr std::uint64_t kStepsPerCell = 16;
constexpr std::uint64_t kMinSteps = std::uint64_t{1} << 22;
constexpr std::uint64_t kMaxSteps = std::uint64_t{1} << 25;

enum ClassId : unsigned char {
  kDigit = 1,
  kWord,
  kSpace,
  kPunct,
  kOpenParen,
  kCloseParen,
  kBackslash,
  kNotDigit,
  kNotWord,
  kNotSpace,
  kAny,
  kTab,
  kDollar,
  kPipe,
  kLess,
  kClassCount
};

// The escape letter after '\' -> its class, 0 when Wazuh refuses the escape.
// The letters Wazuh accepts after '\', in ClassId order (the id is the index plus one).
constexpr std::string_view kEscapeLetters = "dwsp()\\DWS.t$|<";
static_assert(kEscapeLetters.size() + 1 == kClassCount);

// The class an escape letter names, 0 when Wazuh refuses the escape.
unsigned char class_of_escape(char letter) {
  const std::size_t at = kEscapeLetters.find(letter);
  return at == std::string_view::npos ? 0 : static_cast<unsigned char>(at + 1);
}

constexpr bool is_digit(unsigned c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_word(unsigned c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '@' || c == '_';
}
constexpr bool is_punct(unsigned c) {
  return (c >= '!' && c <= '.') || (c >= ':' && c <= '?') || c == '[' || c == ']' || (c >= '{' && c <= '}');
}

constexpr bool class_contains(unsigned id, unsigned c) {
  switch (id) {
    case kDigit:
      return is_digit(c);
    case kWord:
      return is_word(c);
    case kSpace:
      return c == ' ';
    case kPunct:
      return is_punct(c);
    case kOpenParen:
      return c == '(';
    case kCloseParen:
      return c == ')';
    case kBackslash:
      return c == '\\';
    case kNotDigit:
      return !is_digit(c);
    case kNotWord:
      return !is_word(c);
    case kNotSpace:
      return c != ' ';
    case kAny:
      return true;
    case kTab:
      return c == '\t';
    case kDollar:
      return c == '$';
    case kPipe:
      return c == '|';
    case kLess:
      return c == '<';
    default:
      return false;
  }
}

using ClassTable = std::array<std::array<bool, 256>, kClassCount>;
constexpr ClassTable make_class_table() {
  ClassTable table{};
  for (unsigned id = 0; id < kClassCount; ++id) {
    for (unsigned c = 0; c < 256; ++c) table[id][c] = class_contains(id, c);
  }
  return table;
}
constexpr ClassTable kClassTable = make_class_table();

inline bool accepts(unsigned char class_id, unsigned char c) {
  return kClassTable[class_id][c];
}
inline bool is_quantifier(unsigned char c) {
  return c == '+' || c == '*';
}

core::Error compile_error(std::string_view pattern, std::size_t offset, std::string_view what) {
  return core::invalid_argument("OS_Regex '" + std::string(pattern) + "': " + std::string(what) + " at offset " +
                                std::to_string(offset));
}

// The longest run of plain characters that any match of `program` must have matched, in order
// and next to each other. Wazuh can accept an alternative that ends in an escape and one plain
// character without that character (when the escape fails inside a run), so that character is
// not counted.
std::string required_literal(std::string_view program) {
  std::string best;
  std::string current;
  bool last_was_plain_class = false;  // the previous element is an escape without quantifier
  std::size_t pc = 0;
  while (pc < program.size()) {
    const auto byte = static_cast<unsigned char>(program[pc]);
    if (byte == kClass) {
      if (current.size() > best.size()) best = current;
      current.clear();
      const bool quantified = pc + 2 < program.size() && is_quantifier(static_cast<unsigned char>(program[pc + 2]));
      last_was_plain_class = !quantified;
      pc += quantified ? 3 : 2;
      continue;
    }
    if (byte == kMark) {
      if (current.size() > best.size()) best = current;
      current.clear();
      last_was_plain_class = false;
      ++pc;
      continue;
    }
    const bool last_element = pc + 1 == program.size();
    if (!(last_element && last_was_plain_class)) current.push_back(static_cast<char>(byte));
    last_was_plain_class = false;
    ++pc;
  }
  if (current.size() > best.size()) best = current;
  return best;
}

}  // namespace

core::Result<OsRegex> OsRegex::compile(std::string_view pattern) {
  if (pattern.size() > kMaxWazuhPatternSize) {
    return core::invalid_argument("OS_Regex pattern longer than " + std::to_string(kMaxWazuhPatternSize) + " bytes");
  }
  OsRegex compiled;
  compiled.source_ = std::string(pattern);
  std::string current;  // the alternative being read
  std::size_t total_groups = 0;
  int depth = 0;

  auto finish_alternative = [&compiled, &current]() {
    Alternative alternative;
    std::string_view body = current;
    if (!body.empty() && body.front() == '^') {
      alternative.anchored_begin = true;
      body.remove_prefix(1);
    }
    if (!body.empty() && body.back() == '$') {
      alternative.anchored_end = true;
      body.remove_suffix(1);
    }
    alternative.start = static_cast<std::uint32_t>(compiled.program_.size());
    alternative.size = static_cast<std::uint32_t>(body.size());
    compiled.program_.append(body);
    compiled.program_.append(kPadding, static_cast<char>(kEnd));
    std::uint16_t marks = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
      const auto byte = static_cast<unsigned char>(body[i]);
      if (byte == kClass) {
        ++i;  // skip the class id
      } else if (byte == kMark) {
        // Only alternatives with groups look slots up, so the table exists only for them.
        if (compiled.mark_slots_.size() < compiled.program_.size())
          compiled.mark_slots_.resize(compiled.program_.size());
        compiled.mark_slots_[alternative.start + i] = marks++;
      }
    }
    alternative.marks = marks;
    compiled.capture_count_ = std::max<std::size_t>(compiled.capture_count_, marks / 2);
    alternative.required = required_literal(body);
    // A '^' alternative that opens with a plain character fails at once without it; elsewhere
    // one memchr pass is cheaper than running the program over a subject that cannot match.
    const bool opens_plain = !body.empty() && static_cast<unsigned char>(body.front()) != kClass &&
                             static_cast<unsigned char>(body.front()) != kMark;
    alternative.prefilter = !alternative.required.empty() && !(alternative.anchored_begin && opens_plain);
    compiled.alternatives_.push_back(std::move(alternative));
    current.clear();
  };

  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    switch (c) {
      case '\0':
        return compile_error(pattern, i, "NUL byte");
      case '\\': {
        if (i + 1 == pattern.size()) return compile_error(pattern, i, "trailing backslash");
        if (pattern[i + 1] == '\0') return compile_error(pattern, i + 1, "NUL byte");
        const unsigned char id = class_of_escape(pattern[i + 1]);
        if (id == 0) return compile_error(pattern, i, std::string("unknown escape '\\") + pattern[i + 1] + "'");
        current.push_back(static_cast<char>(kClass));
        current.push_back(static_cast<char>(id));
        ++i;
        break;
      }
      case '(':
        if (++depth > 1) return compile_error(pattern, i, "nested group (groups do not nest)");
        if (++total_groups > kMaxOsRegexGroups) {
          return compile_error(pattern, i, "too many groups (at most " + std::to_string(kMaxOsRegexGroups) + ")");
        }
        current.push_back(static_cast<char>(kMark));
        break;
      case ')':
        if (--depth < 0) return compile_error(pattern, i, "unbalanced ')'");
        current.push_back(static_cast<char>(kMark));
        break;
      case '|':
        if (depth != 0) return compile_error(pattern, i, "'|' inside a group");
        finish_alternative();
        break;
      default:
        current.push_back(static_cast<char>(nocase::lower(static_cast<unsigned char>(c))));
        break;
    }
  }
  if (depth != 0) return compile_error(pattern, pattern.size(), "unbalanced '(' (group not closed)");
  finish_alternative();
  return compiled;
}

// Runs one alternative over the subject the way Wazuh's engine does and returns the offset it
// reports as the last byte of the match (possibly -1 when a leading \x* matched nothing), or
// kNoMatch. `marks` (null unless captures are wanted) receives the subject offset at which the
// matcher passed each group marker.
std::ptrdiff_t OsRegex::run(const Alternative& alternative, std::string_view subject, std::ptrdiff_t* marks) const {
  const auto* program = reinterpret_cast<const unsigned char*>(program_.data()) + alternative.start;
  const auto* text = reinterpret_cast<const unsigned char*>(subject.data());
  const auto size = static_cast<std::ptrdiff_t>(subject.size());
  const bool capture = marks != nullptr;
  const bool anchored_end = alternative.anchored_end;
  auto record = [&](std::size_t pc, std::ptrdiff_t at) {
    if (capture) marks[mark_slots_[alternative.start + pc]] = at;
  };

  struct SavePoint {
    std::size_t pc;
    std::ptrdiff_t pos;
  };
  std::array<SavePoint, kSaveSlots> saved{};
  std::size_t saved_count = 0;

  std::size_t pc = 0;
  std::ptrdiff_t last = 0;               // Wazuh's running "end of match"
  std::ptrdiff_t restart_from = kUnset;  // where the current attempt's first fixed element matched
  bool in_run = false;                   // a +/* run has taken a byte (Wazuh does not always clear it after)

  std::uint64_t budget =
      std::clamp(kStepsPerCell * (static_cast<std::uint64_t>(size) + 1) * (alternative.size + 1), kMinSteps, kMaxSteps);
  for (std::ptrdiff_t pos = 0; pos < size; ++pos) {
    if (--budget == 0) return kNoMatch;
    const unsigned char c = text[pos];

    // A finished program accepts here only without '$'; a marker is passed without reading.
    if (program[pc] == kEnd) {
      if (!anchored_end) return last;
    } else if (program[pc] == kMark) {
      record(pc, pos);
      ++pc;
      if (program[pc] == kEnd && !anchored_end) return last;
    }

    if (program[pc] == kClass) {
      const unsigned char quantifier = program[pc + 2];
      if (accepts(program[pc + 1], c)) {
        if (!is_quantifier(quantifier)) {
          pc += 2;
          if (restart_from == kUnset) restart_from = pos;
          last = pos;
          continue;
        }
        if (quantifier == '*') in_run = true;
        if (in_run) {
          // Inside a run: leave it as soon as the next element accepts this byte too.
          std::size_t next = pc + 3;
          const bool mark_between = program[next] == kMark;
          if (mark_between) ++next;
          int advance = -1;
          if (program[next] == kEnd) {
            advance = 1;
          } else if (program[next] == kClass) {
            if (accepts(program[next + 1], c)) advance = is_quantifier(program[next + 2]) ? 0 : 2;
          } else if (program[next] == nocase::lower(c)) {
            in_run = false;
            advance = 1;
          }
          if (advance >= 0) {
            if (mark_between) record(next - 1, (in_run && advance == 1) ? pos + 1 : pos);
            // At the end of the program the run simply goes on (and `last` stays behind).
            if (program[next] == kEnd) continue;
            if (saved_count < kSaveSlots) saved[saved_count++] = {pc, pos};
            pc = next + static_cast<std::size_t>(advance);
          }
        } else {
          // The first byte of a '+' run.
          if (program[pc + 3] == kMark) record(pc + 3, pos + 1 == size ? pos + 1 : pos);
          in_run = true;
        }
        last = pos;
        continue;
      }
      // The escape refuses this byte.
      if ((quantifier == kEnd || program[pc + 3] == kEnd) && in_run && last != kNoMatch) {
        last = pos;
        if (!anchored_end) return last;
      } else if (quantifier == '+' && in_run) {
        pc += 3;  // the run is over: read this byte again with the next element
        --pos;
        in_run = false;
        continue;
      } else if (quantifier == '*') {
        pc += 3;
        --pos;
        last = pos;
        in_run = false;
        continue;
      }
      in_run = false;
    } else if (program[pc] != kEnd && program[pc] == nocase::lower(c)) {
      ++pc;
      if (restart_from == kUnset) restart_from = pos;
      last = pos;
      continue;
    }

    // A mismatch: resume the latest remembered run, else start the pattern again.
    if (saved_count > 0) {
      --saved_count;
      pc = saved[saved_count].pc;
      pos = saved[saved_count].pos;
      continue;
    }
    if (alternative.anchored_begin) return kNoMatch;
    if (restart_from != kUnset) {
      pos = restart_from;
      restart_from = kUnset;
    }
    pc = 0;
    last = kNoMatch;
  }

  // The subject is consumed. With captures, trailing \x* elements are passed first and the
  // marker after them closes at the end of the subject.
  if (capture) {
    while (program[pc] == kClass && program[pc + 2] == '*') pc += 3;
    if (program[pc] == kMark) record(pc, size);
  }
  // Accept when what is left can match nothing. Wazuh tests three shapes in a row with one
  // cursor that each test moves forward, even when the test fails; the cursor is kept as is.
  std::size_t at = pc;
  auto finished = [&program, &at]() {
    if (program[at] == kMark) ++at;
    return program[at] == kEnd;
  };
  if (finished()) return last;
  // A run in progress, then nothing or one more \x*.
  if (program[at] == kClass && in_run) {
    at += 2;
    if (is_quantifier(program[at])) {
      ++at;
      if (finished()) return last;
      if (program[at] == kClass) {
        at += 2;
        if (program[at] == '*') {
          ++at;
          if (finished()) return last;
        }
      }
    }
  }
  // A single \x* left.
  if (program[at] == kClass) {
    at += 2;
    if (program[at] == '*') {
      ++at;
      if (finished()) return last;
    }
  }
  return kNoMatch;
}

bool OsRegex::search(std::string_view subject, Captures* captures, std::size_t* match_end) const {
  if (captures != nullptr) captures->clear();
  const bool capture = captures != nullptr && capture_count_ > 0;
  std::ptrdiff_t* marks = nullptr;
  if (capture) {
    thread_local std::vector<std::ptrdiff_t> scratch;
    if (scratch.size() < 2 * capture_count_) scratch.resize(2 * capture_count_);
    marks = scratch.data();
  }
  for (const Alternative& alternative : alternatives_) {
    if (alternative.prefilter && nocase::find(subject, alternative.required) == std::string_view::npos) continue;
    if (capture) std::fill_n(marks, alternative.marks, kUnset);
    const std::ptrdiff_t last = run(alternative, subject, marks);
    if (last == kNoMatch) continue;
    if (capture) {
      // Wazuh hands over the groups in order up to the first one not both opened and closed.
      captures->reserve(alternative.marks / 2);
      bool inverted = false;
      for (std::size_t i = 0; i + 1 < alternative.marks; i += 2) {
        const std::ptrdiff_t open = marks[i];
        const std::ptrdiff_t close = marks[i + 1];
        if (open == kUnset || close == kUnset) break;
        // A group can close before it opened (a stale marker from an abandoned attempt); Wazuh
        // fails to copy such a group and reports no match at all.
        if (close < open) {
          inverted = true;
          break;
        }
        captures->push_back(subject.substr(static_cast<std::size_t>(open), static_cast<std::size_t>(close - open)));
      }
      if (inverted) {
        captures->clear();
        return false;
      }
    }
    if (match_end != nullptr) {
      *match_end = static_cast<std::size_t>(
          std::clamp<std::ptrdiff_t>(last + 1, 0, static_cast<std::ptrdiff_t>(subject.size())));
    }
    return true;
  }
  return false;
}

}  // namespace herald::analysis
