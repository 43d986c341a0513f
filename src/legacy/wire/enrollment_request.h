#pragma once
// The 1515 enrollment request and replies (legacy-4x-protocol.md §1.2–§1.4), parsed exactly as
// w_auth_parse_data does: strictly sequential, optional fields only in their place. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::legacy::wire {

struct EnrollmentRequest {
  std::optional<std::string> password;  // after "OSSEC PASS: ", when the request carries one
  std::string name;
  std::optional<std::string> version;   // V:'v4.12.0' (4.6+)
  std::vector<std::string> groups;      // G:'a,b' split on ',', duplicates removed, order kept
  std::optional<std::string> ip;        // IP:'…' other than 'src' (already validated)
  bool use_source_ip = false;           // IP:'src'
  std::optional<std::string> key_hash;  // K:'<sha1 hex>' (4.3+)
};

struct EnrollmentParseOptions {
  // The manager's password when use_password is on; nullopt: no password is expected.
  std::optional<std::string> password;
  std::size_t max_groups = 128;  // MAX_GROUPS_PER_MULTIGROUP
};

// The request or the exact first reply line of the refusal, e.g. "ERROR: Invalid password",
// "ERROR: Invalid request for new agent", "ERROR: Invalid agent name: x", "ERROR: Unterminated
// group field", "ERROR: Invalid group name: Empty Group", "ERROR: Maximum multigroup reached:
// Limit is 128", "ERROR: Invalid IP: 1.2.3". (Checks that need the store — duplicate names,
// missing groups, versions — are the caller's.) A trailing "\n" is allowed.
struct EnrollmentParse {
  std::optional<EnrollmentRequest> request;
  std::string error;  // set when request is empty
};
EnrollmentParse parse_enrollment_request(std::string_view text, const EnrollmentParseOptions& options);

// OS_IsValidName: 2–128 characters of [A-Za-z0-9._-].
bool is_valid_agent_name(std::string_view name);
// w_validate_group_name's verdict for one group name: empty when valid, else the exact reply
// ("ERROR: Invalid group name: …").
std::string group_name_error(std::string_view group);
// OS_IsValidIP's acceptance for the IP field: an IPv4 or IPv6 address, optionally with a /prefix.
bool is_valid_ip_field(std::string_view ip);

// Compares Wazuh versions "vX.Y.Z" (the 'v' optional; anything before the first 'v' is skipped,
// so "Wazuh v4.12.0" works): <0, 0, >0; nullopt when either is not a version. authd's V check and
// remoted's startup check compare without the patch (compare_wazuh_versions(…, false)), so a
// v4.12.5 agent passes a v4.12.0 manager: pass compare_patch = false to match them.
std::optional<int> compare_versions(std::string_view a, std::string_view b, bool compare_patch = true);

// "OSSEC K:'<id> <name> <ip> <key>'" (no newline).
std::string enrollment_success(std::string_view id, std::string_view name, std::string_view ip, std::string_view key);
// Every refusal is this second write after the reason.
inline constexpr std::string_view kUnableToAddAgent = "ERROR: Unable to add agent";

}  // namespace herald::legacy::wire
