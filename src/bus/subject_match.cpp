#include "bus/subject_match.h"

namespace herald::bus {

namespace {

// Splits off the first token of `rest` (up to the next '.') and advances `rest` past it.
// `more` tells whether a '.' followed, i.e. whether another token must come.
std::string_view next_token(std::string_view& rest, bool& more) {
  auto dot = rest.find('.');
  auto token = rest.substr(0, dot);
  more = dot != std::string_view::npos;
  rest = more ? rest.substr(dot + 1) : std::string_view{};
  return token;
}

bool has_forbidden_character(std::string_view token) {
  for (char c : token) {
    // Whitespace and control characters would end or split the protocol line.
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

bool is_valid(std::string_view text, bool wildcards_allowed) {
  if (text.empty()) return false;
  bool more = true;
  while (more) {
    auto token = next_token(text, more);
    if (token.empty() || has_forbidden_character(token)) return false;
    if (token == "*" && !wildcards_allowed) return false;
    if (token == ">" && (!wildcards_allowed || more)) return false;
  }
  return true;
}

}  // namespace

bool is_valid_subject(std::string_view subject) {
  return is_valid(subject, false);
}

bool is_valid_pattern(std::string_view pattern) {
  return is_valid(pattern, true);
}

bool subject_matches(std::string_view pattern, std::string_view subject) {
  bool pattern_more = true;
  bool subject_more = true;
  while (pattern_more) {
    auto wanted = next_token(pattern, pattern_more);
    if (!subject_more) return false;  // the pattern is longer than the subject
    auto token = next_token(subject, subject_more);
    if (wanted == ">") return true;  // ">" takes this token and everything after it
    if (wanted != "*" && wanted != token) return false;
  }
  return !subject_more;  // the subject must not be longer than the pattern
}

std::string with_prefix(std::string_view prefix, std::string_view relative) {
  if (prefix.empty()) return std::string(relative);
  std::string full;
  full.reserve(prefix.size() + 1 + relative.size());
  full.append(prefix).append(".").append(relative);
  return full;
}

}  // namespace herald::bus
