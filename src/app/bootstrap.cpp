#include "app/bootstrap.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/password_hash.h"
#include "auth/secrets.h"

namespace herald::app {

core::Status write_private_file(const std::string& path, const std::string& content) {
  auto temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::unavailable("cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) return core::unavailable("cannot write " + path);
  return core::ok_status();
}

namespace {
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream buffer;
  buffer << file.rdbuf();
  auto text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}
}  // namespace

core::Result<std::string> load_or_create_jwt_secret(const std::string& configured_secret, const std::string& key_file,
                                                    const std::string& data_dir) {
  if (!configured_secret.empty()) return configured_secret;
  if (!key_file.empty()) {
    auto secret = read_file(key_file);
    if (!secret || secret->size() < 32) {
      return core::invalid_argument("auth.jwt_key_file " + key_file + " is missing or holds under 32 characters");
    }
    return *secret;
  }
  auto path = (std::filesystem::path(data_dir) / "jwt.secret").string();
  if (auto secret = read_file(path); secret && secret->size() >= 32) return *secret;
  auto secret = auth::random_hex(32);
  if (auto status = write_private_file(path, secret + "\n"); !status) return status.error();
  return secret;
}

core::Result<std::string> ensure_admin_user(store::UserStore& users, const core::Clock& clock,
                                            const std::string& data_dir) {
  auto existing = users.find_user("admin");
  if (!existing) return existing.error();
  if (*existing) return std::string();
  const char* from_env = std::getenv("HERALD_ADMIN_PASSWORD");
  std::string password = (from_env != nullptr && *from_env != '\0') ? from_env : auth::random_alnum(24);
  auto path = (std::filesystem::path(data_dir) / "admin.password").string();
  if (auto status = write_private_file(path, password + "\n"); !status) return status.error();
  if (auto status = users.create_user({"admin", auth::hash_password(password), clock.now_seconds()}); !status) {
    return status.error();
  }
  return password;
}

}  // namespace herald::app
