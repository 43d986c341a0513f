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

// Makes sure `data_dir` is a writable directory before anything is written: creates it (0700)
// when it is missing but its parent exists (a missing parent is more likely a typo than a wish),
// and warns when an existing one is open to other users. Errors name the directory.
core::Status prepare_data_dir(const std::string& data_dir);

// What ensure_admin_user did. The password itself is never returned: heraldd's output is a log.
struct AdminCreation {
  bool created = false;           // false: the user existed
  bool from_environment = false;  // the password is $HERALD_ADMIN_PASSWORD's, else generated
  std::string password_file;      // <data_dir>/admin.password (0600), written in both cases
};

// Creates the `admin` user on first start, with $HERALD_ADMIN_PASSWORD or a random password,
// written to <data_dir>/admin.password (0600) before the user is created.
core::Result<AdminCreation> ensure_admin_user(store::UserStore& users, const core::Clock& clock,
                                              const std::string& data_dir);

// Writes `content` to `path` with mode 0600, atomically (temp file + rename).
core::Status write_private_file(const std::string& path, const std::string& content);

}  // namespace herald::app
