#pragma once
// The PostgreSQL schema and its versioned migrations.
#include "core/result.h"
#include "store/postgres/connection.h"

namespace herald::store::postgres {

// The schema version this build writes (the number of migrations it knows).
int latest_schema_version();

// Creates or upgrades the schema in one transaction. A transaction-scoped advisory lock makes
// heraldd nodes that start together migrate one after the other: the first applies what is
// missing, the others find it done. schema_version holds one row per applied migration.
// Errors: internal when the database is newer than this build; the connection's errors else.
core::Status migrate(Connection& connection);

}  // namespace herald::store::postgres
