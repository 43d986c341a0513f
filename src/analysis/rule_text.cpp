#include "analysis/rule_text.h"

#include <algorithm>
#include <climits>

#include "analysis/os_match.h"

namespace herald::analysis {

bool is_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view first_word(std::string_view text) {
  const auto start = text.find_first_not_of(' ');
  if (start == std::string_view::npos) return {};
  text.remove_prefix(start);
  return text.substr(0, text.find(' '));
}

std::vector<std::string> split_escaped(std::string_view text, char separator, std::size_t max_pieces) {
  std::vector<std::string> pieces;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == separator && pieces.size() + 1 < max_pieces) {
      if (!current.empty() && current.back() == '\\') {
        current.back() = separator;
        continue;
      }
      pieces.push_back(std::move(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  pieces.push_back(std::move(current));
  return pieces;
}

std::vector<std::string> split_groups(std::string_view group_text) {
  std::vector<std::string> groups;
  std::size_t start = 0;
  while (start <= group_text.size()) {
    const std::size_t end = std::min(group_text.find(',', start), group_text.size());
    if (end > start) groups.emplace_back(group_text.substr(start, end - start));
    start = end + 1;
  }
  return groups;
}

bool is_if_sid_list(std::string_view text) {
  // PCRE2's "$" also matches before a final newline.
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == ',' || c == ' '; });
}

std::vector<int> parse_if_sid_numbers(std::string_view text) {
  std::vector<int> ids;
  bool in_number = false;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '\0';
    if (c == ',' || c == ' ') {
      in_number = false;
    } else if ((c >= '0' && c <= '9') || c == '\0') {
      if (in_number) continue;
      in_number = true;
      long long value = 0;
      for (std::size_t j = i; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j) {
        value = std::min<long long>(value * 10 + (text[j] - '0'), INT_MAX);
      }
      ids.push_back(static_cast<int>(value));
    } else {
      break;  // Wazuh stops at anything else
    }
  }
  return ids;
}

bool word_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = pattern.find('|', start);
    const bool last = bar == std::string_view::npos;
    const std::string_view alternative = pattern.substr(start, last ? std::string_view::npos : bar - start);
    if (alternative.empty()) {
      if (last) return true;  // a trailing '|' makes Wazuh match anything
    } else if (alternative.front() == '^') {
      const std::string_view prefix = alternative.substr(1);
      if (text.size() >= prefix.size() && nocase::equal(text.substr(0, prefix.size()), prefix)) return true;
    } else if (!text.empty()) {
      std::string lower(alternative);
      for (char& c : lower) c = static_cast<char>(nocase::lower(static_cast<unsigned char>(c)));
      if (nocase::find(text, lower) != std::string_view::npos) return true;
    }
    if (last) return false;
    start = bar + 1;
  }
}

}  // namespace herald::analysis
