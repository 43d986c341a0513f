#pragma once
// The ruleset heraldd runs, as its configuration names it: Herald's built-in ruleset (unless
// analysis.default_ruleset is off), then the operator's analysis.ruleset_dirs in the order given.
// Built-in first, as Wazuh loads its ruleset before etc/rules: local rules may then hang under
// Herald's with <if_sid>, whose parents must be loaded first.
#include <memory>

#include "analysis/ruleset.h"
#include "app/config.h"
#include "core/result.h"

namespace herald::app {

core::Result<analysis::RulesetSources> configured_ruleset_sources(const Config& config);

// Errors name the directory, or the file, line and element.
core::Result<std::shared_ptr<const analysis::Ruleset>> load_configured_ruleset(const Config& config,
                                                                              analysis::LoadWarnings& warnings);

}  // namespace herald::app
