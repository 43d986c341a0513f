#pragma once
// Herald's own ruleset (ruleset/ of the repository), built into heraldd at build time
// (cmake/EmbedFiles.cmake): `decoders/*.xml`, `rules/*.xml`, `lists/*`.
#include <span>

#include "core/embedded_file.h"

namespace herald::app {

std::span<const EmbeddedFile> default_ruleset_files();

}  // namespace herald::app
