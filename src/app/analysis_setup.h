#pragma once
// The ruleset heraldd runs, as its configuration names it: the operator's analysis.ruleset_dirs
// (in the order given), then Herald's built-in ruleset unless analysis.default_ruleset is off.
// The operator's files come first so that their decoders, loaded first, take the events both
// would decode.
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
