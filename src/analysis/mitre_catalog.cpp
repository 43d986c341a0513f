#include "analysis/mitre_catalog.h"

namespace herald::analysis {

MitreCatalog::MitreCatalog(std::vector<MitreTechniqueEntry> techniques) : techniques_(std::move(techniques)) {
  by_id_.reserve(techniques_.size());
  // The first entry of an id wins, as a look-up that stops at the first match would.
  for (std::size_t i = 0; i < techniques_.size(); ++i) by_id_.emplace(techniques_[i].id, i);
}

const MitreTechniqueEntry* MitreCatalog::find(std::string_view technique_id) const {
  auto found = by_id_.find(technique_id);
  return found == by_id_.end() ? nullptr : &techniques_[found->second];
}

}  // namespace herald::analysis
