#include "analysis/cdb_list.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

namespace herald::analysis {

namespace {

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\v\f") == std::string_view::npos;
}

// One line's entry, or why it has none (an empty reason: skipped silently).
struct ParsedLine {
  std::optional<std::pair<std::string_view, std::string_view>> entry;
  std::string_view problem;
};

ParsedLine parse_line(std::string_view line) {
  const auto first_quote = line.find('"');
  const auto first_colon = line.find(':');
  std::string_view key;
  std::size_t after_key = 0;
  bool quoted_key = false;
  // A quote before the first ':' opens a quoted key.
  if (first_quote != std::string_view::npos && first_colon != std::string_view::npos && first_colon > first_quote) {
    const auto close = line.find('"', first_quote + 1);
    if (close == std::string_view::npos) return {std::nullopt, "the quoted key has no closing '\"': line skipped"};
    key = line.substr(first_quote + 1, close - first_quote - 1);
    after_key = close + 1;
    quoted_key = true;
  }
  const auto colon = line.find(':', after_key);
  if (colon == std::string_view::npos) {
    if (is_blank(line) || line.front() == '#') return {};
    return {std::nullopt, "no ':' separates a key from its value: line skipped"};
  }
  if (!quoted_key) key = line.substr(0, colon);

  std::string_view value = line.substr(colon + 1);
  if (const auto open = value.find('"'); open != std::string_view::npos) {
    const auto close = value.find('"', open + 1);
    if (close == std::string_view::npos) return {std::nullopt, "the quoted value has no closing '\"': line skipped"};
    value = value.substr(open + 1, close - open - 1);
  }
  return {std::make_pair(key, value), {}};
}

}  // namespace

std::optional<ListLookup> list_lookup_from_name(std::string_view name) {
  static constexpr std::pair<std::string_view, ListLookup> kNames[] = {
      {"match_key", ListLookup::match_key},
      {"not_match_key", ListLookup::not_match_key},
      {"match_key_value", ListLookup::match_key_value},
      {"address_match_key", ListLookup::address_match_key},
      {"not_address_match_key", ListLookup::not_address_match_key},
      {"address_match_key_value", ListLookup::address_match_key_value},
  };
  for (const auto& [text, kind] : kNames) {
    if (equals_ignoring_case(text, name)) return kind;
  }
  return std::nullopt;
}

core::Result<CdbList> CdbList::parse(std::string_view text, std::string source_name, CdbListOptions options) {
  try {
    return parse_text(text, source_name, options);
  } catch (const std::exception& e) {
    return core::internal_error("CDB list " + source_name + ": " + e.what());
  }
}

core::Result<CdbList> CdbList::parse_text(std::string_view text, std::string source_name, CdbListOptions options) {
  CdbList list;
  list.source_name_ = std::move(source_name);
  std::size_t line_number = 0;
  auto note = [&](std::string_view what) {
    list.warnings_.push_back(list.source_name_ + ":" + std::to_string(line_number) + ": " + std::string(what));
  };

  while (!text.empty()) {
    ++line_number;
    const auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    // The list compiler reads C strings and drops everything from the first '\r'.
    line = line.substr(0, std::min(line.find('\r'), line.find('\0')));

    const ParsedLine parsed = parse_line(line);
    if (!parsed.entry) {
      if (!parsed.problem.empty()) note(parsed.problem);
    } else {
      const auto [key, value] = *parsed.entry;
      if (list.entries_.find(key) != list.entries_.end()) {
        note("the key \"" + std::string(key) + "\" is listed again: its first value is kept");
      } else {
        list.entries_.emplace(std::string(key), std::string(value));
      }
    }
    if (options.strict && !list.warnings_.empty()) return core::invalid_argument(list.warnings_.front());
  }

  for (const auto& [key, value] : list.entries_) {
    if (!key.empty() && key.back() == '.') list.prefix_lengths_.push_back(key.size());
  }
  std::sort(list.prefix_lengths_.begin(), list.prefix_lengths_.end(), std::greater<>());
  list.prefix_lengths_.erase(std::unique(list.prefix_lengths_.begin(), list.prefix_lengths_.end()),
                             list.prefix_lengths_.end());
  return list;
}

core::Result<CdbList> CdbList::load(const std::string& path, CdbListOptions options) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int error = errno;
    const std::string message = path + ": " + std::strerror(error);
    return error == ENOENT ? core::not_found(message) : core::unavailable(message);
  }
  std::string text;
  try {
    char buffer[65536];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, read);
  } catch (const std::exception& e) {
    return core::internal_error(path + ": " + e.what());
  }
  if (std::ferror(file.get())) return core::unavailable(path + ": read error");
  return parse(text, path, options);
}

std::optional<std::string_view> CdbList::find(std::string_view key) const {
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  return std::string_view(found->second);
}

std::optional<std::string_view> CdbList::find_address(std::string_view address) const {
  if (auto exact = find(address)) return exact;
  for (const std::size_t length : prefix_lengths_) {
    if (length < address.size() && address[length - 1] == '.') {
      if (auto prefix = find(address.substr(0, length))) return prefix;
    }
  }
  return std::nullopt;
}

bool CdbList::match_key_value(std::string_view key, const ValuePredicate& check_value) const {
  const auto value = find(key);
  return value && check_value && check_value(*value);
}

bool CdbList::address_match_key_value(std::string_view address, const ValuePredicate& check_value) const {
  const auto value = find_address(address);
  return value && check_value && check_value(*value);
}

bool CdbList::lookup(ListLookup kind, std::string_view key, const ValuePredicate& check_value) const {
  switch (kind) {
    case ListLookup::match_key:
      return match_key(key);
    case ListLookup::not_match_key:
      return not_match_key(key);
    case ListLookup::match_key_value:
      return match_key_value(key, check_value);
    case ListLookup::address_match_key:
      return address_match_key(key);
    case ListLookup::not_address_match_key:
      return not_address_match_key(key);
    case ListLookup::address_match_key_value:
      return address_match_key_value(key, check_value);
  }
  return false;
}

std::vector<std::pair<std::string_view, std::string_view>> CdbList::entries() const {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  out.reserve(entries_.size());
  for (const auto& [key, value] : entries_) out.emplace_back(key, value);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace herald::analysis
