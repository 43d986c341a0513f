#include "analysis/os_match.h"

#include <cstdint>
#include <cstring>

namespace herald::analysis {

namespace nocase {

bool equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

namespace {

// 16 bytes at a time through the compiler's generic vectors (SSE2 or NEON, scalar elsewhere).
using Bytes16 = unsigned char __attribute__((vector_size(16)));
using Words2 = std::uint64_t __attribute__((vector_size(16)));
constexpr std::size_t kLanes = 16;

constexpr bool is_lower_letter(unsigned char c) {
  return c >= 'a' && c <= 'z';
}

Bytes16 load16(const char* at) {
  Bytes16 bytes;
  std::memcpy(&bytes, at, sizeof bytes);
  return bytes;
}

Bytes16 splat(unsigned char byte) {
  Bytes16 bytes;
  for (std::size_t i = 0; i < kLanes; ++i) bytes[i] = byte;
  return bytes;
}

// One needle byte compared ignoring case: a lower-case letter matches a byte whose 0x20 bit,
// once set, gives that letter (exactly its two cases); any other byte only itself.
struct ByteTest {
  explicit ByteTest(unsigned char lower_byte)
      : want(splat(lower_byte)), fold(splat(is_lower_letter(lower_byte) ? 0x20 : 0)) {}
  Bytes16 want;
  Bytes16 fold;
};

bool rest_matches(const char* at, std::string_view needle_lower) {
  for (std::size_t i = 1; i + 1 < needle_lower.size(); ++i) {
    if (lower(static_cast<unsigned char>(at[i])) != static_cast<unsigned char>(needle_lower[i])) return false;
  }
  return true;
}

}  // namespace

std::size_t find(std::string_view haystack, std::string_view needle_lower) {
  const std::size_t length = needle_lower.size();
  if (length == 0) return 0;
  if (length > haystack.size()) return std::string_view::npos;
  const auto first = static_cast<unsigned char>(needle_lower.front());
  const auto last = static_cast<unsigned char>(needle_lower.back());
  if (length == 1 && !is_lower_letter(first)) {
    const void* hit = std::memchr(haystack.data(), first, haystack.size());
    return hit == nullptr ? std::string_view::npos
                          : static_cast<std::size_t>(static_cast<const char*>(hit) - haystack.data());
  }
  // Candidates are the starts where both the first and the last needle byte fit; only those
  // are compared in full.
  const char* text = haystack.data();
  const std::size_t starts = haystack.size() - length + 1;
  const ByteTest first_test(first);
  const ByteTest last_test(last);
  std::size_t at = 0;
  for (; at + kLanes <= starts; at += kLanes) {
    const auto hits = ((load16(text + at) | first_test.fold) == first_test.want) &
                      ((load16(text + at + length - 1) | last_test.fold) == last_test.want);
    const auto words = reinterpret_cast<Words2>(hits);  // a register view, no memory round trip
    if ((words[0] | words[1]) == 0) continue;
    const std::uint64_t halves[2] = {words[0], words[1]};
    for (std::size_t half = 0; half < 2; ++half) {
      // Each matching lane is a 0xff byte.
      for (std::uint64_t lanes = halves[half]; lanes != 0;) {
        const auto lane = static_cast<std::size_t>(__builtin_ctzll(lanes)) / 8;
        const std::size_t start = at + 8 * half + lane;
        if (rest_matches(text + start, needle_lower)) return start;
        lanes &= ~(std::uint64_t{0xff} << (8 * lane));
      }
    }
  }
  for (; at < starts; ++at) {
    if (lower(static_cast<unsigned char>(text[at])) == first &&
        lower(static_cast<unsigned char>(text[at + length - 1])) == last && rest_matches(text + at, needle_lower)) {
      return at;
    }
  }
  return std::string_view::npos;
}

}  // namespace nocase

core::Result<OsMatch> OsMatch::compile(std::string_view pattern) {
  if (pattern.size() > kMaxWazuhPatternSize) {
    return core::invalid_argument("OS_Match pattern longer than " + std::to_string(kMaxWazuhPatternSize) + " bytes");
  }
  if (pattern.find('\0') != std::string_view::npos) {
    return core::invalid_argument("OS_Match pattern contains a NUL byte");
  }
  OsMatch compiled;
  compiled.source_ = std::string(pattern);
  std::string_view body = pattern;
  if (!body.empty() && body.front() == '!') {
    compiled.negated_ = true;
    body.remove_prefix(1);
  }
  // Every alternative is split on '|' before anchors are looked at, so "^a|b$" is "^a" or "b$".
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = body.find('|', start);
    std::string_view piece = body.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
    Alternative alternative{Anchor::anywhere, {}};
    const bool begins = !piece.empty() && piece.front() == '^';
    const bool ends = !piece.empty() && piece.back() == '$';
    if (begins && ends) {
      alternative.anchor = Anchor::exact;
      piece = piece.substr(1, piece.size() - 2);
    } else if (piece.empty()) {
      alternative.anchor = Anchor::always;
    } else if (ends) {
      alternative.anchor = Anchor::suffix;
      piece.remove_suffix(1);
    } else if (begins) {
      alternative.anchor = Anchor::prefix;
      piece.remove_prefix(1);
    }
    alternative.text.reserve(piece.size());
    for (const char c : piece)
      alternative.text.push_back(static_cast<char>(nocase::lower(static_cast<unsigned char>(c))));
    compiled.alternatives_.push_back(std::move(alternative));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return compiled;
}

bool OsMatch::matches(std::string_view subject) const {
  for (const Alternative& alternative : alternatives_) {
    const std::string_view text = alternative.text;
    bool hit = false;
    switch (alternative.anchor) {
      case Anchor::always:
        hit = true;
        break;
      case Anchor::exact:
        hit = nocase::equal(subject, text);
        break;
      case Anchor::prefix:
        hit = subject.size() >= text.size() && nocase::equal(subject.substr(0, text.size()), text);
        break;
      case Anchor::suffix:
        hit = subject.size() >= text.size() && nocase::equal(subject.substr(subject.size() - text.size()), text);
        break;
      case Anchor::anywhere:
        hit = nocase::find(subject, text) != std::string_view::npos;
        break;
    }
    if (hit) return !negated_;
  }
  return negated_;
}

}  // namespace herald::analysis
