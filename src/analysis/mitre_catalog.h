#pragma once
// MITRE ATT&CK names for alerts. Wazuh's analysisd reads technique and tactic names from its
// MITRE database (var/db/mitre.db of a 4.x manager) and writes them into an alert's
// rule.mitre{id, tactic, technique}; Herald reads the same database when analysis.mitre_db
// names it (app/mitre_db.h loads it) and, without one, writes the ids only.
// Immutable after construction, safe for concurrent use.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::analysis {

struct MitreTactic {
  std::string id;    // external id, "TA0006"
  std::string name;  // "Credential Access"
};

struct MitreTechniqueEntry {
  std::string id;    // external id, "T1110" or "T1110.001"
  std::string name;  // "Brute Force"
  std::vector<MitreTactic> tactics;
};

class MitreCatalog {
 public:
  explicit MitreCatalog(std::vector<MitreTechniqueEntry> techniques);
  // Its index points into its own strings.
  MitreCatalog(const MitreCatalog&) = delete;
  MitreCatalog& operator=(const MitreCatalog&) = delete;

  // Null when the technique is not in the catalog.
  const MitreTechniqueEntry* find(std::string_view technique_id) const;
  std::size_t size() const { return techniques_.size(); }

 private:
  std::vector<MitreTechniqueEntry> techniques_;
  std::unordered_map<std::string_view, std::size_t> by_id_;
};

}  // namespace herald::analysis
