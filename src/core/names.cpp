#include "core/names.h"

#include <cctype>

#include "core/field_limits.h"

namespace herald::core {

namespace {
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
}  // namespace

bool is_valid_group_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxGroupNameLength || name == "." || name == "..") return false;
  for (char c : name) {
    if (!is_word_char(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_valid_agent_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxAgentNameLength) return false;
  for (char c : name) {
    if (!is_word_char(c) && c != '-' && c != '.' && c != '%') return false;
  }
  return true;
}

bool is_uuid_v4(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && !is_hex(id[i])) return false;
  }
  char variant = static_cast<char>(std::tolower(static_cast<unsigned char>(id[19])));
  return id[14] == '4' && (variant == '8' || variant == '9' || variant == 'a' || variant == 'b');
}

}  // namespace herald::core
