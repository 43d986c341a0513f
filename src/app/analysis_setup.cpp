#include "app/analysis_setup.h"

#include "app/default_ruleset.h"

namespace herald::app {

core::Result<analysis::RulesetSources> configured_ruleset_sources(const Config& config) {
  analysis::RulesetSources sources;
  const analysis::RulesetExcludes excludes{config.analysis.decoder_exclude, config.analysis.rule_exclude};
  if (config.analysis.default_ruleset) analysis::add_embedded(sources, default_ruleset_files(), "herald", excludes);
  for (const auto& directory : config.analysis.ruleset_dirs) {
    if (auto added = analysis::add_directory(sources, directory, excludes); !added) {
      return core::Error{added.error().kind, "analysis.ruleset_dirs: " + added.error().message};
    }
  }
  return sources;
}

core::Result<std::shared_ptr<const analysis::Ruleset>> load_configured_ruleset(const Config& config,
                                                                              analysis::LoadWarnings& warnings) {
  auto sources = configured_ruleset_sources(config);
  if (!sources) return sources.error();
  return analysis::Ruleset::load(*sources, warnings);
}

}  // namespace herald::app
