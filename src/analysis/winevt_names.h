#pragma once
// The names Wazuh 4.x analysisd gives the codes of a Windows event (winevtchannel.c): the
// severity of a level and keywords, the audit category and subcategory of a Security event's
// CategoryId/SubcategoryId, and the changes of an audit policy change event (4719).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::analysis {

// "CRITICAL" (1), "ERROR" (2), "WARNING" (3), "INFORMATION" (4), "VERBOSE" (5); level 0 (audit)
// is "AUDIT_FAILURE" or "AUDIT_SUCCESS" by the keywords' audit bits; anything else "UNKNOWN".
// `level` and `keywords` are the texts of <Level> and <Keywords>, read as strtol(level, 10)
// and strtoull(keywords, 16) read them.
std::string_view winevt_severity(std::string_view level, std::string_view keywords);

struct WinevtCategory {
  std::optional<std::string_view> category;     // "Logon/Logoff"
  std::optional<std::string_view> subcategory;  // "Logon"; only within a known category
};
// The audit category of a CategoryId and SubcategoryId text ("%%8273", "%%12544"): "%%" removed,
// then read as strtol does.
WinevtCategory winevt_category(std::string_view category_id, std::string_view subcategory_id);

// An AuditPolicyChanges text ("%%8449, %%8451") as Wazuh spells it: "%%" removed, split at
// commas into at most four parts (the last keeps the rest), each code named ("Success removed",
// "Success added", "Failure removed", "Failure added"), joined with ", ". nullopt when no part
// is a known code (Wazuh then adds no field).
std::optional<std::string> winevt_audit_policy_changes(std::string_view changes);

}  // namespace herald::analysis
