#include "auth/basic_auth.h"

#include "auth/secrets.h"

namespace herald::auth {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// If `header_value` is "<scheme> <credentials>" (scheme compared case-insensitively, at least one
// space between), returns the trimmed credentials.
std::optional<std::string_view> credentials_for(std::string_view header_value, std::string_view scheme) {
  const std::string_view value = trim(header_value);
  if (value.size() <= scheme.size() || !is_space(value[scheme.size()])) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (lower(value[i]) != scheme[i]) return std::nullopt;
  }
  const std::string_view credentials = trim(value.substr(scheme.size()));
  if (credentials.empty()) return std::nullopt;
  return credentials;
}

bool has_control_bytes(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header_value) {
  const std::optional<std::string_view> credentials = credentials_for(header_value, "basic");
  if (!credentials) return std::nullopt;
  const std::optional<std::string> decoded = base64_decode(*credentials);
  if (!decoded || has_control_bytes(*decoded)) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

std::optional<std::string_view> parse_bearer(std::string_view header_value) {
  const std::optional<std::string_view> token = credentials_for(header_value, "bearer");
  if (!token) return std::nullopt;
  for (char c : *token) {
    if (is_space(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  return token;
}

}  // namespace herald::auth
