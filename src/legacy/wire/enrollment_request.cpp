#include "legacy/wire/enrollment_request.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace herald::legacy::wire {
namespace {

// defs.h: MAX_GROUP_NAME, OS_SIZE_65536, IPSIZE (INET6_ADDRSTRLEN), sizeof(os_sha1) - 1, and the
// sscanf widths of w_auth_parse_data.
constexpr std::size_t kMaxGroupName = 255;
constexpr std::size_t kMaxGroupsText = 65536;
constexpr std::size_t kVersionWidth = 2048;
constexpr std::size_t kIpWidth = 46;
constexpr std::size_t kKeyHashWidth = 40;
constexpr std::string_view kGroupChars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:;_-=+!@(),";

// The request is a C string upstream: nothing after a NUL byte exists.
std::string_view as_c_string(std::string_view text) { return text.substr(0, text.find('\0')); }

// Byte i of the C string, '\0' past its end (the C code reads there too; the buffer is zeroed).
char at(std::string_view text, std::size_t i) { return i < text.size() ? text[i] : '\0'; }

// sscanf(buf, " X:'%<width>[^<stop>]", out) after the token was matched by strncmp: the scan
// yields nothing when the quote is missing or the set matches no character.
std::string_view scan_quoted(std::string_view buf, std::size_t token_length, std::size_t width,
                             std::string_view stop) {
  if (at(buf, token_length) != '\'') return {};
  const std::string_view rest = buf.substr(std::min(buf.size(), token_length + 1));
  const std::size_t length = std::min({rest.find_first_of(stop), rest.size(), width});
  return rest.substr(0, length);
}

std::string truncated_255(std::string_view text) { return std::string(text.substr(0, 255)); }

EnrollmentParse refuse(std::string reply) { return {std::nullopt, std::move(reply)}; }

std::vector<std::string> split_groups(std::string_view text) {
  std::vector<std::string> groups;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string_view::npos ? text.size() : comma;
    groups.emplace_back(text.substr(start, end - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return groups;
}

bool is_decimal_octet(std::string_view s) {
  // IPV4_ADDRESS: 25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9] — no leading zeros.
  if (s.empty() || s.size() > 3 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  return std::stoi(std::string(s)) <= 255;
}

bool is_ipv4(std::string_view s) {
  int parts = 0;
  std::size_t start = 0;
  for (;;) {
    const auto dot = s.find('.', start);
    if (!is_decimal_octet(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool is_decimal_at_most(std::string_view s, std::size_t max_digits, int max_value, bool leading_zero_ok) {
  if (s.empty() || s.size() > max_digits || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
  if (!leading_zero_ok && s.size() > 1 && s[0] == '0') return false;
  return std::stoi(std::string(s)) <= max_value;
}

std::string expanded_ipv6(const unsigned char (&bytes)[16]) {
  char out[48];
  std::snprintf(out, sizeof out, "%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

// OS_IsValidIP plus the text it leaves in final_ip->ip: "::ffff:a.b.c.d" becomes the IPv4 part,
// an IPv6 address is written out in full upper-case hex (OS_ExpandIPv6), "/0" dropped.
std::optional<std::string> normalized_ip(std::string_view ip) {
  if (!ip.empty() && ip[0] == '!') ip.remove_prefix(1);
  if (ip == "any") return std::string(ip);
  const auto slash = ip.find('/');
  const std::string_view address = ip.substr(0, slash);
  const std::optional<std::string_view> prefix =
      slash == std::string_view::npos ? std::nullopt : std::optional(ip.substr(slash + 1));

  std::string_view v4 = address;
  if (v4.size() > 7 && v4.substr(0, 2) == "::" && v4[6] == ':' &&
      std::all_of(v4.begin() + 2, v4.begin() + 6, [](char c) { return c == 'f' || c == 'F'; })) {
    v4.remove_prefix(7);
  }
  if (is_ipv4(v4)) {
    // CIDR 0–32 (3[0-2]|[1-2]?[0-9]) or a dotted netmask.
    if (prefix && !is_decimal_at_most(*prefix, 2, 32, false) && !is_ipv4(*prefix)) return std::nullopt;
    return std::string(v4) + (prefix ? "/" + std::string(*prefix) : "");
  }
  if (address.empty() || address.find_first_not_of("0123456789abcdefABCDEF:") != std::string_view::npos) {
    return std::nullopt;
  }
  // IPV6_PREFIX: 12[0-8]|1[0-1][0-9]|[0-9]?[0-9].
  if (prefix && !is_decimal_at_most(*prefix, 3, 128, true)) return std::nullopt;
  if (prefix && prefix->size() == 3 && (*prefix)[0] == '0') return std::nullopt;
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, std::string(address).c_str(), bytes) != 1) return std::nullopt;
  std::string out = expanded_ipv6(bytes);
  if (prefix && std::stoi(std::string(*prefix)) != 0) out += "/" + std::to_string(std::stoi(std::string(*prefix)));
  return out;
}

struct Version {
  int major = 0, minor = 0, patch = 0;
};

std::optional<Version> parse_version(std::string_view text) {
  // compare_wazuh_versions starts after the first 'v' ("Wazuh v4.12.0" works too).
  if (const auto v = text.find('v'); v != std::string_view::npos) text.remove_prefix(v + 1);
  Version version;
  int* parts[] = {&version.major, &version.minor, &version.patch};
  std::size_t start = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto dot = text.find('.', start);
    const auto part = text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    *parts[i] = std::stoi(std::string(part));
    if (dot == std::string_view::npos) return version;
    start = dot + 1;
  }
  return std::nullopt;  // more than three parts
}

}  // namespace

bool is_valid_agent_name(std::string_view name) {
  if (name.size() < 2 || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

std::string group_name_error(std::string_view group) {
  const std::string prefix = "ERROR: Invalid group name: ";
  if (group.empty()) return prefix + "Empty Group";
  const bool multigroup = group.find(',') != std::string_view::npos;
  if (!multigroup && group.size() > kMaxGroupName) return prefix + truncated_255(group) + "... group is too large";
  if (multigroup && group.size() > kMaxGroupsText - 1) {
    return prefix + truncated_255(group) + "... multigroup is too large";
  }
  if (multigroup) {
    // strtok_r: empty pieces between commas are skipped here, and caught below.
    for (const auto& piece : split_groups(group)) {
      if (piece.empty()) continue;
      if (piece.find(' ') != std::string::npos) {
        return prefix + truncated_255(group) + "... white spaces are not allowed";
      }
      if (piece.size() > kMaxGroupName) return prefix + truncated_255(piece) + "... group is too large";
    }
    if (group.find(",,") != std::string_view::npos) {
      return prefix + truncated_255(group) + "... consecutive ',' are not allowed";
    }
  }
  const std::string prohibited = "... characters '\\/:*?\"<>|,' are prohibited";
  if (std::all_of(group.begin(), group.end(), [](char c) { return c == ','; })) {
    return prefix + truncated_255(group) + prohibited;
  }
  if (group.front() == ',' || group.back() == ',') return prefix + truncated_255(group) + "... cannot start or end with ','";
  // A single group may not hold ',' (the last valid character is dropped for it).
  const std::string_view allowed = multigroup ? kGroupChars : kGroupChars.substr(0, kGroupChars.size() - 1);
  if (group.find_first_not_of(allowed) != std::string_view::npos) return prefix + truncated_255(group) + prohibited;
  return {};
}

bool is_valid_ip_field(std::string_view ip) { return normalized_ip(ip).has_value(); }

std::optional<int> compare_versions(std::string_view a, std::string_view b, bool compare_patch) {
  const auto left = parse_version(a);
  const auto right = parse_version(b);
  if (!left || !right) return std::nullopt;
  auto cmp = [](int x, int y) { return x < y ? -1 : x > y ? 1 : 0; };
  if (int c = cmp(left->major, right->major); c != 0) return c;
  if (int c = cmp(left->minor, right->minor); c != 0) return c;
  return compare_patch ? cmp(left->patch, right->patch) : 0;
}

EnrollmentParse parse_enrollment_request(std::string_view text, const EnrollmentParseOptions& options) {
  std::string_view buf = as_c_string(text);
  EnrollmentRequest request;

  if (options.password) {
    const std::string_view password = *options.password;
    constexpr std::string_view kPass = "OSSEC PASS: ";
    bool ok = false;
    if (buf.substr(0, kPass.size()) == kPass) {
      buf.remove_prefix(kPass.size());
      if (buf.size() > password.size() && buf.substr(0, password.size()) == password && buf[password.size()] == ' ') {
        request.password = std::string(password);
        buf.remove_prefix(password.size() + 1);
        ok = true;
      }
    }
    if (!ok) return refuse("ERROR: Invalid password");
  }

  constexpr std::string_view kAdd = "OSSEC A:'";
  if (buf.substr(0, kAdd.size()) != kAdd) return refuse("ERROR: Invalid request for new agent");
  buf.remove_prefix(kAdd.size());
  const auto name_end = buf.find('\'');
  if (name_end == std::string_view::npos) return refuse("ERROR: Invalid request for new agent");
  request.name = std::string(buf.substr(0, name_end));
  buf.remove_prefix(name_end + 1);
  if (!is_valid_agent_name(request.name)) return refuse("ERROR: Invalid agent name: " + request.name);

  // Each optional field is looked for only at the current position, in this order; after a
  // field, the C code skips <token><'><value><'> by length (buf += strlen(value) + 5 or 6).
  if (buf.substr(0, 3) == " V:") {
    const auto version = scan_quoted(buf, 3, kVersionWidth, "'");
    if (at(buf, version.size() + 4) != '\'') return refuse("ERROR: Unterminated version field");
    request.version = std::string(version);
    buf.remove_prefix(std::min(buf.size(), version.size() + 5));
  }
  if (buf.substr(0, 3) == " G:") {
    const auto groups = scan_quoted(buf, 3, kMaxGroupsText, "'");
    if (at(buf, groups.size() + 4) != '\'') return refuse("ERROR: Unterminated group field");
    if (auto error = group_name_error(groups); !error.empty()) return refuse(std::move(error));
    // wstr_delete_repeated_groups keeps the first of each name, in order.
    for (auto& group : split_groups(groups)) {
      if (std::find(request.groups.begin(), request.groups.end(), group) == request.groups.end()) {
        request.groups.push_back(std::move(group));
      }
    }
    // w_auth_validate_groups counts the groups after de-duplication. (Upstream splits into at
    // most 128 pieces before de-duplicating, so duplicates beyond the 128th name are not
    // removed; counting distinct names is the sane reading of the limit.)
    if (request.groups.size() > options.max_groups) {
      return refuse("ERROR: Maximum multigroup reached: Limit is " + std::to_string(options.max_groups));
    }
    buf.remove_prefix(std::min(buf.size(), groups.size() + 5));
  }
  if (buf.substr(0, 4) == " IP:") {
    const auto ip = scan_quoted(buf, 4, kIpWidth, "' ");
    if (at(buf, ip.size() + 5) != '\'') return refuse("ERROR: Unterminated IP field");
    // strncmp(ip, "src", 3): anything starting "src" means the peer address.
    if (ip.substr(0, 3) == "src") {
      request.use_source_ip = true;
    } else {
      auto normalized = normalized_ip(ip);
      if (!normalized) return refuse("ERROR: Invalid IP: " + std::string(ip));
      request.ip = normalized->substr(0, kIpWidth - 1);  // snprintf(ip, IPSIZE, …)
    }
    buf.remove_prefix(std::min(buf.size(), ip.size() + 6));
  }
  if (buf.substr(0, 3) == " K:") {
    const auto key_hash = scan_quoted(buf, 3, kKeyHashWidth, "'");
    if (at(buf, key_hash.size() + 4) != '\'') return refuse("ERROR: Unterminated key field");
    request.key_hash = std::string(key_hash);
  }
  return {std::move(request), {}};
}

std::string enrollment_success(std::string_view id, std::string_view name, std::string_view ip, std::string_view key) {
  std::string reply = "OSSEC K:'";
  reply.append(id).append(" ").append(name).append(" ").append(ip).append(" ").append(key).append("'");
  return reply;
}

}  // namespace herald::legacy::wire
