#pragma once
#include "core/result.h"
#include "store/sqlite/database.h"

namespace herald::store::sqlite {

// Creates the schema or migrates it to the newest version, in one transaction. Versions are
// recorded in metadata(schema_version); each migration runs once.
core::Status migrate(Database& db);

}  // namespace herald::store::sqlite
