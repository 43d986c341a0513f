#pragma once
// What heraldd checks in an existing SQLite file before anything writes to it: that it is a
// SQLite database, that it is Herald's (not another application's), and that it is not corrupt.
// The check reads through a read-only connection, so a file it refuses is left byte for byte as
// it was.
#include <cstdint>
#include <string>

#include "core/result.h"

namespace herald::store::sqlite {

enum class StartupCheck {
  automatic,  // full up to kFullCheckMaxBytes, quick above
  full,       // PRAGMA integrity_check: pages, and every index entry against its table row
  quick,      // PRAGMA quick_check: pages only; misses index entries that do not match their table
  off,
};

// Up to this size `automatic` runs the full check: about 1M orders, measured at 2.3 s of CPU
// (README, "Start-up checks").
inline constexpr std::int64_t kFullCheckMaxBytes = 256LL << 20;

// Parses the storage.startup_check config value (auto | full | quick | off).
core::Result<StartupCheck> parse_startup_check(const std::string& value);

// Examines the file at `path` if there is one (a missing or empty file is a fresh database).
// Errors name the file and say how to recover: ErrorKind::internal for a corrupt, foreign or
// non-SQLite file, unavailable when it cannot be read.
core::Status check_existing_database(const std::string& path, StartupCheck check);

}  // namespace herald::store::sqlite
