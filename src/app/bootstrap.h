#pragma once
// First-start chores that write into the data directory.
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace herald::app {

// The token signing secret: auth.jwt_secret, else the contents of auth.jwt_key_file, else
// <data_dir>/jwt.secret, generated once (0600) so tokens survive restarts.
core::Result<std::string> load_or_create_jwt_secret(const std::string& configured_secret,
                                                    const std::string& key_file, const std::string& data_dir);

// Creates the `admin` user on first start, with $HERALD_ADMIN_PASSWORD or a random password that
// is printed once and written to <data_dir>/admin.password (0600). Returns the password when it
// created the user, "" when the user existed.
core::Result<std::string> ensure_admin_user(store::UserStore& users, const core::Clock& clock,
                                            const std::string& data_dir);

// Writes `content` to `path` with mode 0600, atomically (temp file + rename).
core::Status write_private_file(const std::string& path, const std::string& content);

}  // namespace herald::app
