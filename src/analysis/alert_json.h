#pragma once
// An alert as the JSON line Wazuh 4.x writes to alerts.json (format/to_json.c and
// format/json_extended.c), with its key order and omissions:
//   timestamp, rule{level (not when 0), description, id, mitre{id}, cve, info, frequency
//   (correlated rules), firedtimes (not with no_counter), mail, groups, pci_dss, cis, gdpr,
//   gpg13, hipaa, nist_800_53, tsc (compliance groups, prefix removed)}, agent{id, name, ip},
//   manager{name}, id "<seconds>.<offset>", cluster{name, node} (when configured),
//   previous_output (two or more previous logs), full_log (not with no_full_log),
//   predecoder{program_name, timestamp, hostname}, decoder{accumulate, parent, name,
//   ftscomment}, previous_log (check_diff), data{static fields, then the dynamic fields with
//   dotted names nested (16 levels at most; Wazuh has no bound), "[...]" values that parse kept
//   as JSON arrays (Boost.JSON's default depth of 32; cJSON allows 1000)}, location, agentless.
//
// MITRE: with a catalog (Wazuh's MITRE database), mitre{id, tactic, technique} as Wazuh builds
// it; without one, mitre{id} with the rule's ids (Wazuh would drop "mitre").
// Not done: the "syscheck" object of
// FIM events (their dynamic fields are left out as Wazuh leaves them out), agent labels, GeoIP.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "analysis/alert.h"
#include "analysis/mitre_catalog.h"

namespace herald::analysis {

struct AlertJsonOptions {
  std::string manager_name = "localhost";   // Wazuh writes the manager's host name
  std::optional<std::string> cluster_name;  // "cluster" is written when set
  std::optional<std::string> cluster_node;
  int utc_offset_seconds = 0;  // the timestamp is local time with its offset ("+0000")
  std::shared_ptr<const MitreCatalog> mitre;  // null: the ids only
};

// One alerts.json line, without the newline. `alert_offset` is the alert id's second part (Wazuh
// uses the size of alerts.log before the alert).
std::string alert_to_json(const Alert& alert, const AlertJsonOptions& options, std::uint64_t alert_offset);

// "YYYY-MM-DDTHH:MM:SS.mmm+hhmm".
std::string alert_timestamp(std::int64_t seconds, int milliseconds, int utc_offset_seconds);

}  // namespace herald::analysis
