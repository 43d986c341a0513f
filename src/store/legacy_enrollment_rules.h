#pragma once
// The decisions of a Wazuh 4.x enrollment that do not depend on the backend (legacy-4x-protocol.md
// §1.4–§1.5, authd's w_auth_validate_data / w_auth_replace_agent): the id format, the K hash and
// which of the agents an enrollment collides with it may replace. Backends gather the colliding
// agents inside their enrollment transaction and apply the plan. Pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace herald::store {

// "%03d": 1 -> "001", 999 -> "999", 1000 -> "1000".
std::string format_legacy_id(std::int64_t number);

// SHA1(id ‖ name ‖ key) as 40 lowercase hex characters: the K an agent holding this key sends.
std::string legacy_key_hash(std::string_view id, std::string_view name, std::string_view key);

// An agent an enrollment collides with (same IP or same name), as stored.
struct EnrollmentCollision {
  std::string id;
  std::string name;
  std::optional<std::string> key;  // nullopt: not a 4.x agent (it has no key), so never replaced
  std::string connection_status;
  std::int64_t disconnection_time = 0;
  std::int64_t date_add = 0;
};

// Whether `enrollment` may replace `agent`, authd's rules in authd's order: replacement enabled;
// the agent disconnected for at least disconnected_time (a never-connected agent passes; one
// that is active or pending does not); registered at least after_registration_time ago; and,
// with key_mismatch and a K in the request, the K differs from the stored key's hash (no K: the
// test is skipped, as upstream does). Times: `now`, disconnection_time and date_add in seconds.
bool may_replace(const LegacyEnrollment& enrollment, const EnrollmentCollision& agent);

struct EnrollmentPlan {
  // Set when refused; then `replace` is empty.
  std::optional<LegacyEnrollmentOutcome::Kind> refusal;
  std::vector<std::string> replace;  // ids of the agents to remove, the IP match first
};

// Decides an enrollment from the 4.x agents bound to its IP (`same_ip`, empty when the IP is
// "any") and every agent with its name (`same_name`), as authd does: the IP first, then the
// name (an agent replaced for its IP no longer counts as a name match).
EnrollmentPlan plan_legacy_enrollment(const LegacyEnrollment& enrollment,
                                      const std::vector<EnrollmentCollision>& same_ip,
                                      const std::vector<EnrollmentCollision>& same_name);

// Whether `ip` names one address (not "any", not a CIDR): the only IPs legacy_keys_for_ip matches.
bool is_single_address(std::string_view ip);

// `groups` without repeats, first occurrence kept (authd drops repeated groups too).
std::vector<std::string> distinct_groups(const std::vector<std::string>& groups);

}  // namespace herald::store
