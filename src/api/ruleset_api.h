#pragma once
// The Wazuh 4.x rules, decoders and CDB lists routes (issue 16 part 7): GET /rules,
// /rules/groups, /rules/files, /rules/files/{filename}, /decoders, /decoders/files,
// /decoders/files/{filename}, /decoders/parents, /lists, /lists/files, /lists/files/{filename},
// and PUT/DELETE of custom files under /rules/files, /decoders/files and /lists/files (through
// engine::RulesetManager). Registered only when analysis runs.
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

void register_ruleset_routes(http::Router& router, ApiContext& context);

}  // namespace herald::api
