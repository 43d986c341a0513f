#include "analysis/winevt_names.h"

#include <array>
#include <climits>
#include <cstddef>
#include <vector>

namespace herald::analysis {
namespace {

bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// The magnitude and sign C's strto* read: white space, a sign, for base 16 an optional "0x",
// then digits. The magnitude saturates at ULLONG_MAX.
struct CNumber {
  bool negative = false;
  unsigned long long magnitude = 0;
  bool overflow = false;
};

CNumber read_c_number(std::string_view text, int base) {
  CNumber number;
  std::size_t i = 0;
  while (i < text.size() && is_c_space(text[i])) ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) number.negative = text[i++] == '-';
  if (base == 16 && i + 2 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
      digit_value(text[i + 2]) < 16) {
    i += 2;
  }
  for (; i < text.size() && digit_value(text[i]) < base; ++i) {
    const auto digit = static_cast<unsigned long long>(digit_value(text[i]));
    if (number.magnitude > (ULLONG_MAX - digit) / static_cast<unsigned long long>(base)) {
      number.overflow = true;
      number.magnitude = ULLONG_MAX;
    } else if (!number.overflow) {
      number.magnitude = number.magnitude * static_cast<unsigned long long>(base) + digit;
    }
  }
  return number;
}

long c_strtol(std::string_view text) {
  const CNumber number = read_c_number(text, 10);
  if (number.negative) {
    if (number.overflow || number.magnitude > static_cast<unsigned long long>(LONG_MAX) + 1) return LONG_MIN;
    return number.magnitude == static_cast<unsigned long long>(LONG_MAX) + 1 ? LONG_MIN
                                                                             : -static_cast<long>(number.magnitude);
  }
  if (number.overflow || number.magnitude > static_cast<unsigned long long>(LONG_MAX)) return LONG_MAX;
  return static_cast<long>(number.magnitude);
}

unsigned long long c_strtoull_hex(std::string_view text) {
  const CNumber number = read_c_number(text, 16);
  if (number.overflow) return ULLONG_MAX;
  return number.negative ? 0 - number.magnitude : number.magnitude;
}

std::string without_percent_pairs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == '%') {
      ++i;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

// Microsoft's audit categories, CategoryId 8272 on; a category's subcategories are numbered
// from 12288 + 256 * (its position), in this order.
struct AuditCategory {
  std::string_view name;
  std::vector<std::string_view> subcategories;
};

const std::array<AuditCategory, 9>& audit_categories() {
  static const std::array<AuditCategory, 9> categories{{
      {"System",
       {"Security State Change", "Security System Extension", "System Integrity", "IPsec Driver",
        "Other System Events"}},
      {"Logon/Logoff",
       {"Logon", "Logoff", "Account Lockout", "IPsec Main Mode", "Special Logon", "IPSec Extended Mode",
        "IPSec Quick Mode", "Other Logon/Logoff Events", "Network Policy Server", "User/Device Claims",
        "Group Membership"}},
      {"Object Access",
       {"File System", "Registry", "Kernel Object", "SAM", "Other Object Access Events", "Certification Services",
        "Application Generated", "Handle Manipulation", "File Share", "Filtering Platform Packet Drop",
        "Filtering Platform Connection", "Detailed File Share", "Removable Storage", "Central Policy Staging"}},
      {"Privilege Use", {"Sensitive Privilege Use", "Non Sensitive Privilege Use", "Other Privilege Use Events"}},
      {"Detailed Tracking",
       {"Process Creation", "Process Termination", "DPAPI Activity", "RPC Events", "Plug and Play Events",
        "Token Right Adjusted Events"}},
      {"Policy Change",
       {"Audit Policy Change", "Authentication Policy Change", "Authorization Policy Change",
        "MPSSVC Rule-Level Policy Change", "Filtering Platform Policy Change", "Other Policy Change Events"}},
      {"Account Management",
       {"User Account Management", "Computer Account Management", "Security Group Management",
        "Distribution Group Management", "Application Group Management", "Other Account Management Events"}},
      {"DS Access",
       {"Directory Service Access", "Directory Service Changes", "Directory Service Replication",
        "Detailed Directory Service Replication"}},
      {"Account Logon",
       {"Credential Validation", "Kerberos Service Ticket Operations", "Other Account Logon Events",
        "Kerberos Authentication Service"}},
  }};
  return categories;
}

constexpr long kFirstCategoryId = 8272;
constexpr long kFirstSubcategoryId = 12288;

}  // namespace

std::string_view winevt_severity(std::string_view level, std::string_view keywords) {
  constexpr unsigned long long kAuditFailure = 0x10000000000000ULL;
  constexpr unsigned long long kAuditSuccess = 0x20000000000000ULL;
  // analysisd keeps strtol's long in an int.
  switch (static_cast<int>(c_strtol(level))) {
    case 0: {
      const unsigned long long bits = c_strtoull_hex(keywords);
      if ((bits & kAuditFailure) != 0) return "AUDIT_FAILURE";
      if ((bits & kAuditSuccess) != 0) return "AUDIT_SUCCESS";
      return "UNKNOWN";
    }
    case 1: return "CRITICAL";
    case 2: return "ERROR";
    case 3: return "WARNING";
    case 4: return "INFORMATION";
    case 5: return "VERBOSE";
    default: return "UNKNOWN";
  }
}

WinevtCategory winevt_category(std::string_view category_id, std::string_view subcategory_id) {
  WinevtCategory result;
  const auto category = static_cast<int>(c_strtol(without_percent_pairs(category_id)));
  const auto subcategory = static_cast<int>(c_strtol(without_percent_pairs(subcategory_id)));
  const auto& categories = audit_categories();
  if (category < kFirstCategoryId || category >= kFirstCategoryId + static_cast<long>(categories.size())) return result;
  const auto position = static_cast<std::size_t>(category - kFirstCategoryId);
  const AuditCategory& known = categories[position];
  result.category = known.name;
  const long first = kFirstSubcategoryId + 256 * static_cast<long>(position);
  if (subcategory >= first && subcategory < first + static_cast<long>(known.subcategories.size())) {
    result.subcategory = known.subcategories[static_cast<std::size_t>(subcategory - first)];
  }
  return result;
}

std::optional<std::string> winevt_audit_policy_changes(std::string_view changes) {
  const std::string codes = without_percent_pairs(changes);
  std::optional<std::string> names;
  std::size_t start = 0;
  for (int part = 0; part < 4 && start <= codes.size(); ++part) {
    std::size_t end = codes.find(',', start);
    if (part == 3 || end == std::string::npos) end = codes.size();
    std::string_view name;
    switch (c_strtol(std::string_view(codes).substr(start, end - start))) {
      case 8448: name = "Success removed"; break;
      case 8449: name = "Success added"; break;
      case 8450: name = "Failure removed"; break;
      case 8451: name = "Failure added"; break;
      default: break;
    }
    if (!name.empty()) {
      if (names) {
        names->append(", ");
      } else {
        names.emplace();
      }
      names->append(name);
    }
    if (end == codes.size()) break;
    start = end + 1;
  }
  return names;
}

}  // namespace herald::analysis
