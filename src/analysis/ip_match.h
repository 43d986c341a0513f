#pragma once
// A rule's <srcip>/<dstip>: an address or network an event's decoded IP is compared with.
//
// Patterns, as Wazuh's OS_IsValidIP accepts them:
//   10.1.2.3            one IPv4 address (/32)
//   10.1.0.0/16         a CIDR prefix, 0 to 32 (no leading zeros)
//   10.1.0.0/255.255.0.0  a dotted netmask (any dotted address is taken as the mask)
//   ::ffff:10.1.2.3     an IPv4-mapped IPv6 address is the IPv4 address (with the same suffixes)
//   fe80::/10, ::1, 2001:db8:0:0:0:0:0:1/64   IPv6, compressed or not, prefix 0 to 128 (one or two
//                       digits, or 1xx)
//   any                 every address
//   !<pattern>          negated: matches addresses the pattern does not
// Octets have no leading zeros ("010.0.0.1" is refused), as Wazuh's pattern checks require;
// event addresses are read by inet_pton, which refuses them too. Herald also takes "::/<prefix>",
// which Wazuh's patterns happen to refuse (a bare "::" they take).
//
// Two deliberate differences from Wazuh 4.14, both where Wazuh misbehaves:
//   - '!' negates, as Wazuh's documentation says; 4.14 drops the '!' while parsing (so "!10.0.0.1"
//     matches 10.0.0.1 there). Wazuh 4.x rules usually write negate="yes" on the element instead,
//     which the rule unit handles.
//   - Families mix: an IPv4 address is compared as its IPv4-mapped IPv6 form ::ffff:a.b.c.d, so
//     ::ffff:a.b.c.d event addresses match IPv4 patterns, "any" and ::/0 match both families, and
//     other IPv6 patterns never match IPv4 addresses. 4.14 reads a missing structure there.
// An event "IP" that is not an address never matches, negated or not.
//
// Values; immutable after construction, safe for concurrent use.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::analysis {

// An address read from text, as 16 bytes of IPv6 (IPv4 as ::ffff:a.b.c.d).
struct IpAddress {
  bool is_ipv4 = false;  // IPv4 text, or an IPv4-mapped IPv6 address
  std::array<std::uint8_t, 16> bytes{};
};
// inet_pton's reading, IPv4 first, then IPv6.
std::optional<IpAddress> parse_ip_address(std::string_view text);

class IpMatch {
 public:
  // Errors: invalid_argument naming the pattern.
  static core::Result<IpMatch> parse(std::string_view pattern);

  // The pattern's verdict for an event's address text, negation applied.
  bool matches(std::string_view ip) const;
  bool matches(const IpAddress& address) const { return contains(address) != negated_; }
  // Whether the address is in the pattern's network, ignoring '!'.
  bool contains(const IpAddress& address) const;

  bool negated() const { return negated_; }
  bool is_any() const { return any_; }
  bool is_ipv4() const { return network_.is_ipv4; }  // written as IPv4 (false for any)
  // The mask bits set: 0 to 32 for IPv4 patterns, 0 to 128 for IPv6 ones, 0 for any.
  int prefix_length() const;

 private:
  IpMatch() = default;

  bool negated_ = false;
  bool any_ = false;
  IpAddress network_;  // already masked
  std::array<std::uint8_t, 16> mask_{};
};

// Several <srcip> (or <dstip>) elements of one rule, as Wazuh's OS_IPFoundList combines them:
// patterns are tried in order and the first one containing the address decides; the verdict is
// false if any negated pattern came before it (or is it), true otherwise. When none contains the
// address, the verdict is true only if the list has a negated pattern. One pattern alone behaves
// as IpMatch::matches.
class IpMatchList {
 public:
  void add(IpMatch pattern) { patterns_.push_back(pattern); }
  bool empty() const { return patterns_.empty(); }
  std::size_t size() const { return patterns_.size(); }
  bool matches(std::string_view ip) const;

 private:
  std::vector<IpMatch> patterns_;
};

}  // namespace herald::analysis
