#pragma once
// What authd decides for one enrollment request (legacy-4x-protocol.md §1.2–§1.5), apart from
// the TLS connection: parse, check, allocate, reply. Blocking (it writes to the store).
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "legacy/legacy_options.h"
#include "store/store.h"

namespace herald::legacy {

struct EnrollmentDecision {
  bool enrolled = false;
  std::string reply;                          // the first write: "OSSEC K:'…'" or "ERROR: …"
  std::optional<store::LegacyKey> key;        // enrolled
  std::vector<std::string> replaced_ids;      // enrolled in place of these agents (their keys are gone)
  std::string agent_name;                     // as requested (for the log), when it parsed
  bool store_failed = false;                  // refused because the store failed (not the request)
};

class EnrollmentService {
 public:
  // `password`: the one agents must send (nullopt: none). `manager_hostname`: agents may not take it.
  EnrollmentService(store::Store& store, const core::Clock& clock, const EnrollmentOptions& options,
                    std::optional<std::string> password, std::string manager_hostname, std::string node_name);

  // `source_address`: the TCP peer (IPv4-mapped IPv6 already unwrapped).
  EnrollmentDecision decide(std::string_view request_text, const std::string& source_address);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  const EnrollmentOptions& options_;
  std::optional<std::string> password_;
  std::string manager_hostname_;
  std::string node_name_;
};

// The password agents must send when use_password is on: options.password, else the first line
// of options.password_file, else a new random one written to that file (mode 0600). Errors: the
// file cannot be read or written, or holds a password of 2 characters or fewer.
core::Result<std::string> load_or_create_enrollment_password(const EnrollmentOptions& options);

}  // namespace herald::legacy
