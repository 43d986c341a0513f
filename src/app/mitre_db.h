#pragma once
// Reads the MITRE ATT&CK names out of a Wazuh 4.x manager's MITRE database (var/db/mitre.db, a
// SQLite file: technique, tactic, phase and reference tables), the way analysisd loads it:
// techniques neither revoked nor deprecated, with their ATT&CK external ids and the tactics of
// each. Read once at start (analysis.mitre_db).
#include <memory>
#include <string>

#include "analysis/mitre_catalog.h"
#include "core/result.h"

namespace herald::app {

// Errors name the file and what is wrong with it (not there, not a MITRE database).
core::Result<std::shared_ptr<const analysis::MitreCatalog>> load_mitre_db(const std::string& path);

}  // namespace herald::app
