#include "analysis/ip_match.h"

#include <arpa/inet.h>

#include <bit>
#include <cstring>
#include <string>

namespace herald::analysis {

namespace {

constexpr std::size_t kMaxAddressText = 45;  // INET6_ADDRSTRLEN - 1
constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

IpAddress mapped_ipv4(const std::uint8_t (&octets)[4]) {
  IpAddress address;
  address.is_ipv4 = true;
  std::memcpy(address.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size());
  std::memcpy(address.bytes.data() + 12, octets, 4);
  return address;
}

// Wazuh's IPv4 pattern: four 0..255 octets with no leading zeros.
std::optional<IpAddress> ipv4_pattern(std::string_view text) {
  std::uint8_t octets[4] = {};
  for (int i = 0; i < 4; ++i) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (digits < text.size() && digits < 4 && is_digit(text[digits])) {
      value = value * 10 + static_cast<unsigned>(text[digits] - '0');
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text[0] == '0')) return std::nullopt;
    octets[i] = static_cast<std::uint8_t>(value);
    text.remove_prefix(digits);
    if (i < 3) {
      if (text.empty() || text[0] != '.') return std::nullopt;
      text.remove_prefix(1);
    }
  }
  if (!text.empty()) return std::nullopt;
  return mapped_ipv4(octets);
}

// A decimal number of 1..3 digits, for prefix lengths; leading zeros allowed or not.
std::optional<int> small_number(std::string_view text, bool leading_zero_allowed) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (!leading_zero_allowed && text.size() > 1 && text[0] == '0') return std::nullopt;
  return value;
}

std::array<std::uint8_t, 16> prefix_mask(int bits) {
  std::array<std::uint8_t, 16> mask{};
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    mask[i] = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
  }
  return mask;
}

bool starts_with_mapped_prefix(std::string_view text) {
  // "::ffff:", the f's in either case.
  if (text.size() < 7 || !text.starts_with("::") || text[6] != ':') return false;
  for (std::size_t i = 2; i < 6; ++i) {
    if (text[i] != 'f' && text[i] != 'F') return false;
  }
  return true;
}

core::Error bad_pattern(std::string_view pattern, std::string_view why) {
  return core::invalid_argument("IP pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

}  // namespace

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  // A C string could hold no NUL: text with one is not an address.
  if (text.empty() || text.size() > kMaxAddressText || text.find('\0') != std::string_view::npos) return std::nullopt;
  char buffer[kMaxAddressText + 1];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::uint8_t octets[4];
  if (::inet_pton(AF_INET, buffer, octets) == 1) return mapped_ipv4(octets);
  IpAddress address;
  if (::inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  address.is_ipv4 = std::memcmp(address.bytes.data(), kMappedPrefix.data(), kMappedPrefix.size()) == 0;
  return address;
}

core::Result<IpMatch> IpMatch::parse(std::string_view pattern) {
  IpMatch match;
  std::string_view text = pattern;
  if (text.starts_with('!')) {
    match.negated_ = true;
    text.remove_prefix(1);
  }
  if (text == "any") {
    match.any_ = true;
    return match;
  }
  const auto slash = text.find('/');
  const std::string_view address_text = text.substr(0, slash);
  const std::optional<std::string_view> suffix =
      slash == std::string_view::npos ? std::nullopt : std::optional<std::string_view>(text.substr(slash + 1));

  std::string_view ipv4_text = address_text;
  if (starts_with_mapped_prefix(ipv4_text)) ipv4_text.remove_prefix(7);
  if (auto ipv4 = ipv4_pattern(ipv4_text)) {
    match.network_ = *ipv4;
    if (!suffix) {
      match.mask_ = prefix_mask(128);
    } else if (const auto bits = small_number(*suffix, false); bits && suffix->size() <= 2) {
      if (*bits > 32) return bad_pattern(pattern, "an IPv4 prefix length is 0 to 32");
      match.mask_ = prefix_mask(96 + *bits);
    } else if (const auto netmask = ipv4_pattern(*suffix)) {
      match.mask_ = prefix_mask(96);
      std::memcpy(match.mask_.data() + 12, netmask->bytes.data() + 12, 4);
    } else {
      return bad_pattern(pattern, "after '/' comes a prefix length (0 to 32) or a dotted netmask");
    }
  } else {
    // IPv6 text without an embedded dotted quad (Wazuh's patterns have none).
    if (address_text.find('.') != std::string_view::npos) return bad_pattern(pattern, "not an IPv4 or IPv6 address");
    auto ipv6 = parse_ip_address(address_text);
    if (!ipv6) return bad_pattern(pattern, "not an IPv4 or IPv6 address");
    match.network_ = *ipv6;
    int bits = 128;
    if (suffix) {
      const auto prefix = small_number(*suffix, true);
      if (!prefix || *prefix > 128 || (suffix->size() == 3 && (*suffix)[0] != '1')) {
        return bad_pattern(pattern, "an IPv6 prefix length is 0 to 128");
      }
      bits = *prefix;
    }
    match.mask_ = prefix_mask(bits);
    // Written as IPv6: a mapped address stays an IPv6 pattern (a /96 or shorter covers IPv4 too).
    match.network_.is_ipv4 = false;
  }
  for (std::size_t i = 0; i < 16; ++i) match.network_.bytes[i] &= match.mask_[i];
  return match;
}

bool IpMatch::contains(const IpAddress& address) const {
  if (any_) return true;
  for (std::size_t i = 0; i < 16; ++i) {
    if ((address.bytes[i] & mask_[i]) != network_.bytes[i]) return false;
  }
  return true;
}

bool IpMatch::matches(std::string_view ip) const {
  const auto address = parse_ip_address(ip);
  return address && matches(*address);
}

int IpMatch::prefix_length() const {
  if (any_) return 0;
  int bits = 0;
  for (std::size_t i = network_.is_ipv4 ? 12 : 0; i < 16; ++i) bits += std::popcount(mask_[i]);
  return bits;
}

bool IpMatchList::matches(std::string_view ip) const {
  const auto address = parse_ip_address(ip);
  if (!address) return false;
  bool verdict_when_found = true;
  for (const auto& pattern : patterns_) {
    if (pattern.negated()) verdict_when_found = false;
    if (pattern.contains(*address)) return verdict_when_found;
  }
  return !verdict_when_found;
}

}  // namespace herald::analysis
