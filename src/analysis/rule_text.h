#pragma once
// Internal: the small text routines of Wazuh's rule loading and matching, with Wazuh's edge
// cases (OS_StrIsNum, OS_StrBreak, OS_WordMatch, the if_sid list syntax).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::analysis {

// Only ASCII digits; true for "" (Wazuh's OS_StrIsNum).
bool is_digits(std::string_view text);

// Skips leading spaces and stops at the next space (how Wazuh trims list and ignore words).
std::string_view first_word(std::string_view text);

// Splits on `separator` as Wazuh's OS_StrBreak: a separator preceded by a backslash is kept
// (the backslash dropped), and the last of at most `max_pieces` pieces takes the rest.
std::vector<std::string> split_escaped(std::string_view text, char separator, std::size_t max_pieces);

// A group text split on ',' with empty pieces dropped (strtok).
std::vector<std::string> split_groups(std::string_view group_text);

// Whether an if_sid text is what Wazuh accepts: one or more digits, commas and spaces.
bool is_if_sid_list(std::string_view text);

// The ids of an if_sid text as Wazuh's OS_AddChild reads them: digits runs separated by commas
// or spaces, and a 0 for a trailing separator (Wazuh then also files the rule under its
// category's template).
std::vector<int> parse_if_sid_numbers(std::string_view text);

// OS_WordMatch: whether `text` contains one of the '|' alternatives of `pattern`, ignoring
// ASCII case; an alternative starting with '^' must be a prefix. An empty pattern matches
// nothing.
bool word_match(std::string_view pattern, std::string_view text);

}  // namespace herald::analysis
